// Why a delivery failed for good, at rest (gateway/README.md#encryption-at-rest). The reason is the
// province client's error text (adapters/), and a province may echo the applicant back in it — an
// ID number, a name — so it is sealed like a result: base64 in the case hash's
// `sealedFailureReason` field, sealed with the case store's sealer in the context
// `failure-reason:<case id>`, so one copied onto another case (or set as another record of the
// same case: a result, a note) does not open. The failure's history entry carries the same text as
// its note, sealed as a province's note is (personal-data/sealed-text.ts).
//
// A reason stored in clear before reasons were sealed stays in the old `failureReason` field and
// still reads; a later failure of the same case blanks it (the transition script only sets
// fields), and the re-seal seals it (cases/sealed-records.ts). A gateway of the previous version
// reads a sealed reason's case as one without a reason (records tolerate unknown fields).
import {
  SealedDataError,
  type SealedDataProblem,
  type Sealer,
} from '../personal-data/sealed-data.ts';

/** The case hash field of a sealed failure reason (base64). */
export const SEALED_FAILURE_REASON_FIELD = 'sealedFailureReason';
/** The case hash field where a reason stored before reasons were sealed keeps its text ('' none). */
export const LEGACY_FAILURE_REASON_FIELD = 'failureReason';

/** A case's failure reason as its hash holds it. */
export type StoredFailureReason =
  | { readonly sealed: string }
  /** Stored before failure reasons were sealed: the text in clear. */
  | { readonly clear: string };

/** What a sealed failure reason that does not open here reads as (its key retired, bytes changed). */
export const UNREADABLE_FAILURE_REASON = '(sealed failure reason: cannot be opened here)';

/** A failure reason opened: its text, or the placeholder and why (for a log line, never content). */
export interface OpenedFailureReason {
  reason: string;
  unreadable?: SealedDataProblem;
}

function failureReasonContext(caseId: string): string {
  return `failure-reason:${caseId}`;
}

/** The hash field value of `reason` sealed to case `caseId` under the current data key. */
export function sealFailureReason(sealer: Sealer, reason: string, caseId: string): string {
  return sealer.seal(reason, failureReasonContext(caseId)).toString('base64');
}

/**
 * The reason in clear; a sealed one that does not open reads as UNREADABLE_FAILURE_REASON with the
 * problem in `unreadable`, never an error: the dead-letter list still shows the case.
 */
export function openFailureReason(
  sealer: Sealer,
  stored: StoredFailureReason,
  caseId: string,
): OpenedFailureReason {
  if ('clear' in stored) return { reason: stored.clear };
  try {
    const reason = sealer.open(Buffer.from(stored.sealed, 'base64'), failureReasonContext(caseId));
    if (typeof reason === 'string') return { reason };
    return { reason: UNREADABLE_FAILURE_REASON, unreadable: 'format' };
  } catch (error) {
    if (!(error instanceof SealedDataError)) throw error;
    return { reason: UNREADABLE_FAILURE_REASON, unreadable: error.problem };
  }
}

/**
 * The re-seal's step for one stored reason: opened and sealed again to the same case, under the
 * current key. Throws SealedDataError when it does not open (the re-seal reports and leaves it).
 */
export function resealFailureReason(
  sealer: Sealer,
  stored: StoredFailureReason,
  caseId: string,
): string {
  const text =
    'clear' in stored
      ? stored.clear
      : sealer.open(Buffer.from(stored.sealed, 'base64'), failureReasonContext(caseId));
  if (typeof text !== 'string') throw new SealedDataError('format', 'a failure reason is text');
  return sealFailureReason(sealer, text, caseId);
}
