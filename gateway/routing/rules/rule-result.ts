// What one routing rule returns (gateway/README.md#routing-rules): pass or skip with an English
// detail for the reasons list, or a failure carrying its GW_* code, both languages and the envelope
// pointer.
import type { DivisionLevel } from '../../divisions/division-data.ts';
import type { DivisionTable } from '../../divisions/division-table.ts';
import type { ErrorCode } from '../../shared/errors.ts';

/** One region of the request, with where it sits in the envelope and how to name it. */
export interface RegionRef {
  readonly code: string;
  /** JSON pointer: '/receivingRegion', '/handlingRegion' or '/parties/1/region'. */
  readonly path: string;
  /** English name for messages, e.g. 'handlingRegion' or 'party transfer-in'. */
  readonly label: string;
  readonly labelZh: string;
  /** Party role, joint mode only. */
  readonly role?: string;
}

export interface RulePass {
  readonly outcome: 'pass' | 'skip';
  /**
   * The reasons-list detail, spelt out only when a reasons list is asked for (GET
   * /v1/routes/resolve): a submission keeps none, and building the text of every passed rule was
   * about half of what routing allocated per submission.
   */
  readonly detail: () => string;
}

export interface RuleFailure {
  readonly outcome: 'fail';
  readonly code: ErrorCode;
  readonly path: string;
  readonly detail: string;
  readonly detailZh: string;
}

export type RuleResult = RulePass | RuleFailure;

export function pass(detail: () => string): RulePass {
  return { outcome: 'pass', detail };
}

export function skip(detail: () => string): RulePass {
  return { outcome: 'skip', detail };
}

export function fail(code: ErrorCode, path: string, detail: string, detailZh: string): RuleFailure {
  return { outcome: 'fail', code, path, detail, detailZh };
}

export const LEVEL_ZH: Readonly<Record<DivisionLevel, string>> = {
  province: '省级',
  prefecture: '市级',
  county: '县级',
};

/** "530323 师宗县" when the table knows the code, else the bare code. */
export function named(code: string, divisions: DivisionTable): string {
  const division = divisions.get(code);
  return division ? `${code} ${division.name}` : code;
}

/** The name of a region's province, e.g. 云南省, from the table (or the national list). */
export function provinceLabel(province: string, divisions: DivisionTable): string {
  return divisions.get(`${province}0000`)?.name ?? province;
}
