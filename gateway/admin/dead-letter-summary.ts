// The dead letters counted per adapter and failure kind (gateway/README.md#dead-letters): what an
// operator facing hundreds after a province's outage looks at first (the console's list page), and
// what a bulk replay reports as still `remaining`. It reads every dead letter (its case, and its
// sealed reason opened to classify it; nothing is shown, so nothing is masked or audited), in
// chunks, up to SUMMARY_CAP: beyond that it says it counted only part.
import type { CaseStore } from '../cases/case-store.ts';
import type { DeadLetterPosition } from '../cases/dead-letter-list.ts';
import { failureKindOf, type FailureKindKey } from '../cases/failure-kind.ts';
import type { DeadLetterFilter } from './dead-letter-page.ts';

/** How many dead letters a summary reads at most. */
export const SUMMARY_CAP = 20_000;
const CHUNK = 500;

export interface DeadLetterTally {
  /** Undefined for joint parents (they have no adapter of their own). */
  adapter: string | undefined;
  kind: FailureKindKey;
  count: number;
  oldestFailedAtMs: number;
  /** A division one of them was routed to: its first two digits name the province. */
  targetRegion: string | undefined;
}

export interface DeadLetterSummary {
  /** By adapter (joint parents last), then kind: those to replay first, refusals after. */
  tallies: DeadLetterTally[];
  total: number;
  /** False when SUMMARY_CAP letters were read and more remain: the counts are a lower bound. */
  complete: boolean;
}

export async function summariseDeadLetters(
  store: CaseStore,
  filter: DeadLetterFilter = {},
  cap = SUMMARY_CAP,
): Promise<DeadLetterSummary> {
  const tallies = new Map<string, DeadLetterTally>();
  let total = 0;
  let position: DeadLetterPosition | undefined;
  for (let read = 0; read < cap;) {
    const want = Math.min(CHUNK, cap - read);
    const batch = await store.deadLettersAfter(position, want);
    const records = await Promise.all(batch.map((p) => store.get(p.caseId)));
    for (const [i, entry] of batch.entries()) {
      const record = records[i];
      if (!record || record.status !== 'DELIVERY_FAILED') continue;
      const routed = record.kind === 'joint-parent' ? undefined : record.route;
      const kind = failureKindOf(store.failureReason(record)?.reason);
      if (filter.adapter !== undefined && routed?.adapter !== filter.adapter) continue;
      if (filter.kind !== undefined && kind !== filter.kind) continue;
      const key = `${routed?.adapter ?? ''}\u0000${kind}`;
      const tally = tallies.get(key);
      if (tally) tally.count += 1;
      else
        tallies.set(key, {
          adapter: routed?.adapter,
          kind,
          count: 1,
          oldestFailedAtMs: entry.failedAtMs,
          targetRegion: routed?.targetRegion,
        });
      total += 1;
    }
    read += batch.length;
    position = batch.at(-1);
    if (batch.length < want || !position)
      return { tallies: sorted(tallies), total, complete: true };
  }
  const more = (await store.deadLettersAfter(position, 1)).length > 0;
  return { tallies: sorted(tallies), total, complete: !more };
}

const KIND_ORDER: readonly FailureKindKey[] = ['gave-up', 'unreadable', 'refused', 'other'];

function sorted(tallies: Map<string, DeadLetterTally>): DeadLetterTally[] {
  return [...tallies.values()].sort(
    (a, b) =>
      (a.adapter ?? '\uffff').localeCompare(b.adapter ?? '\uffff') ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}
