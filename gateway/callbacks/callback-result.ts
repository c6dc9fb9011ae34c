// The result a status callback carries, at rest in its job (gateway/README.md#encryption-at-rest).
// A job waits in Redis until the portal takes it and is kept a day after (7 days when it failed
// for good): the result in it, masked as GET /v1/cases/{id} masks it, still holds what no mask
// reaches — an untyped result as the province gave it, a name in a typed result's free text — so
// it is sealed like the case's own `sealedResult`, bound to the case and the move
// (`callback-result:<case id>:<sequence>`), and opened by the callbacks worker as it posts.
import { openText, sealText } from '../personal-data/sealed-text.ts';
import { SealedDataError, type Sealer } from '../personal-data/sealed-data.ts';

function context(caseId: string, sequence: number): string {
  return `callback-result:${caseId}:${sequence}`;
}

export function sealCallbackResult(
  sealer: Sealer,
  job: { caseId: string; sequence: number },
  result: unknown,
): string {
  return sealText(sealer, JSON.stringify(result), context(job.caseId, job.sequence));
}

/** The result, or undefined when it cannot be opened here (its key is no longer listed, or tampered). */
export function openCallbackResult(
  sealer: Sealer,
  job: { caseId: string; sequence: number; sealedResult: string },
): { result: unknown } | undefined {
  const text = openText(sealer, job.sealedResult, context(job.caseId, job.sequence));
  return text === undefined ? undefined : { result: JSON.parse(text) as unknown };
}

/**
 * The data-key re-seal's step (cases/sealed-records.ts): the result opened and sealed again to
 * the same job, under the current key. Throws SealedDataError when it does not open (the re-seal
 * reports and leaves it).
 */
export function resealCallbackResult(
  sealer: Sealer,
  job: { caseId: string; sequence: number; sealedResult: string },
): string {
  const text = sealer.open(
    Buffer.from(job.sealedResult, 'base64'),
    context(job.caseId, job.sequence),
  );
  if (typeof text !== 'string') throw new SealedDataError('format', 'a callback result is text');
  return sealText(sealer, text, context(job.caseId, job.sequence));
}
