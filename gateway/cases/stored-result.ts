// A province's result at rest (gateway/README.md#encryption-at-rest). A result can hold personal
// data — a typed one by its `x-personal` fields (SW-005's debited account), any one in its free
// text — so every result is sealed like the envelope, whether its item types it or not: judging
// by the schema would leave untyped results, and their free text, in clear.
//
// It is stored in the case hash's `sealedResult` field as base64 text, not raw bytes: a move writes
// it through transition-case.lua's fields argument, which is JSON (cjson strings), and the store
// reads the hash with HGETALL as UTF-8 text, which would mangle arbitrary bytes. Base64 costs a
// third more of a value that is deflated first (about the result's JSON length in all).
//
// A field of its own rather than the old `result` field: a gateway of a rolling upgrade that does
// not know it leaves it be (records tolerate unknown fields) instead of failing to parse it as
// JSON. A result stored before results were sealed stays in `result` as its JSON and still reads.
import type { Sealer } from '../personal-data/sealed-data.ts';
import { CorruptCaseError, type StoredResult } from './case-record.ts';

/**
 * The authenticated context of a case's sealed result: the case id, so a sealed result copied onto
 * another case does not open, prefixed so a sealed envelope (sealed under the bare id) set as the
 * result does not open either.
 */
function resultContext(caseId: string): string {
  return `result:${caseId}`;
}

/** The hash field value of `result` sealed to case `caseId` under the current data key. */
export function sealResult(sealer: Sealer, result: unknown, caseId: string): string {
  return sealer.seal(result, resultContext(caseId)).toString('base64');
}

/**
 * The result in clear. Throws SealedDataError when a sealed result does not open here (its data
 * key is not listed, its bytes were changed), CorruptCaseError when a legacy one is not JSON.
 */
export function openStoredResult(sealer: Sealer, stored: StoredResult, caseId: string): unknown {
  if ('sealed' in stored) {
    return sealer.open(Buffer.from(stored.sealed, 'base64'), resultContext(caseId));
  }
  try {
    return JSON.parse(stored.legacyJson) as unknown;
  } catch (error) {
    throw new CorruptCaseError(`case ${caseId}: its stored result is not JSON`, { cause: error });
  }
}
