// The 好差评 counters of a rated province (gateway/README.md#evaluation-statistics): kept by the
// same Lua step as the evaluation or rectification move that changes them, per item, rated party
// and counter, all time and per China date of the evaluation (a rectification counts in the bucket
// of the 差评 that opened it, so a period's 整改率 is the share of that period's 差评 rectified).
// Statistics read these hashes — O(provinces × items × days with data) — and never a case.
import type { RatedParty } from './evaluation.ts';

export const COUNTERS = [
  'level1',
  'level2',
  'level3',
  'level4',
  'level5',
  /** Of which recorded as 基本满意 by default. */
  'defaults',
  /** 差评 an appeal found untrue: out of the level counts. */
  'voided',
  'rectOpened',
  'rectVisited',
  'rectRectified',
  'rectExplained',
  'rectAppealed',
  'rectUpheld',
  'rectReRated',
  'rectReRatedGood',
  /** Of the re-rated, recorded as 基本满意 by default when the re-rating window ended. */
  'rectDefaultReRated',
] as const;
export type Counter = (typeof COUNTERS)[number];

/** A change of one counter: [hash field, delta]. */
export type CounterDelta = [string, number];

export function counterField(itemCode: string, rated: RatedParty, counter: Counter): string {
  return `${itemCode}|${rated}|${counter}`;
}

export function levelCounter(level: number): Counter {
  return `level${level}` as Counter;
}

/** Days since 1970-01-01 of a China date: the score of the statistics' date index. */
export function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

export interface CounterRow {
  itemCode: string;
  rated: RatedParty;
  counter: Counter;
  count: number;
}

const KNOWN = new Set<string>(COUNTERS);

export function parseCounters(hash: Record<string, string>): CounterRow[] {
  const rows: CounterRow[] = [];
  for (const [field, value] of Object.entries(hash)) {
    const [itemCode, rated, counter] = field.split('|');
    if (!itemCode || (rated !== 'handling' && rated !== 'collecting') || !KNOWN.has(counter ?? ''))
      continue;
    rows.push({ itemCode, rated, counter: counter as Counter, count: Number(value) });
  }
  return rows;
}
