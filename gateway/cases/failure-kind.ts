// The kind of a dead letter's failure (gateway/README.md#dead-letters), the one classification the
// API's `kind` filter, the bulk replay and the console's labels (console/failure-kinds.ts) share.
// The job runner writes three kinds of reason (adapters/kit/job-runner.ts): `refused: …` (the
// province refused for good: the same case sent again is refused again), `gave up after N
// attempts: …` (the province was down, slow or failing: replay once it is back) and `stored
// submission unreadable: …` (the data key that sealed the case is not listed). Anything else —
// a reason from before these prefixes, one whose seal does not open here — is `other`.
// Classify the opened reason, never the masked one shown to a reader.

/** The kinds' stable names, as the API's `kind` takes and answers them. */
export const FAILURE_KINDS = ['refused', 'gave-up', 'unreadable', 'other'] as const;
export type FailureKindKey = (typeof FAILURE_KINDS)[number];

const GAVE_UP = /^gave up after (\d+) attempts?: /;

export function failureKindOf(reason: string | undefined): FailureKindKey {
  if (reason === undefined) return 'other';
  if (reason.startsWith('refused: ')) return 'refused';
  if (GAVE_UP.test(reason)) return 'gave-up';
  if (reason.startsWith('stored submission unreadable')) return 'unreadable';
  return 'other';
}

/** How many attempts a `gave-up` reason says were made. */
export function attemptsGivenUp(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : GAVE_UP.exec(reason)?.[1];
}
