// The dead letters counted per adapter and failure kind (gateway/README.md#dead-letters): what an
// operator facing thousands after a province's outage looks at first (the console's list page),
// and what a bulk replay reports as still `remaining`. Read from the dead-letter index
// (cases/dead-letter-index.ts), never from the letters themselves: each index's size and oldest
// member, and the case of each tally's oldest letter for a division it was routed to — the same
// few reads for 50 letters as for 50 000, and no reason opened.
import type { CaseStore } from '../cases/case-store.ts';
import type { DeadLetterFilter } from '../cases/dead-letter-index.ts';
import type { FailureKindKey } from '../cases/failure-kind.ts';

export interface DeadLetterTally {
  /** Undefined for joint parents (they have no adapter of their own; none is ever a dead letter). */
  adapter: string | undefined;
  kind: FailureKindKey;
  count: number;
  oldestFailedAtMs: number;
  /** The division its oldest letter was routed to: its first two digits name the province. */
  targetRegion: string | undefined;
}

export interface DeadLetterSummary {
  /** By adapter, then kind: those to replay first, refusals after. */
  tallies: DeadLetterTally[];
  total: number;
  /**
   * False only while the index holds fewer letters than the lists (a gateway of the previous
   * version dead-lettered some during a rolling upgrade, and the reconciler has not indexed them
   * yet): the counts are then a lower bound.
   */
  complete: boolean;
}

export async function summariseDeadLetters(
  store: CaseStore,
  filter: DeadLetterFilter = {},
): Promise<DeadLetterSummary> {
  const { tallies, listed, indexed } = await store.deadLetterTallies(filter);
  const oldest = await Promise.all(tallies.map((t) => store.get(t.oldest.caseId)));
  const shown = tallies.map((t, i): DeadLetterTally => {
    const record = oldest[i];
    return {
      adapter: t.adapter,
      kind: t.kind,
      count: t.count,
      oldestFailedAtMs: t.oldest.failedAtMs,
      targetRegion:
        record && record.kind !== 'joint-parent' ? record.route.targetRegion : undefined,
    };
  });
  return {
    tallies: sorted(shown),
    total: shown.reduce((n, t) => n + t.count, 0),
    complete: indexed >= listed,
  };
}

const KIND_ORDER: readonly FailureKindKey[] = ['gave-up', 'unreadable', 'refused', 'other'];

function sorted(tallies: DeadLetterTally[]): DeadLetterTally[] {
  return tallies.sort(
    (a, b) =>
      (a.adapter ?? '\uffff').localeCompare(b.adapter ?? '\uffff') ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}
