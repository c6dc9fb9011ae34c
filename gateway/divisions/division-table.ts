// Current GB/T 2260 divisions (schemas/README.md#division-codes): code → division, and lifting a
// code to a coarser level (county 530323 → prefecture 530300 → province 530000), which routing rule
// 6 uses to find the authority at the item's level. Two instances exist: the alliance members'
// divisions (routing) and the national table (payload fields that name a place); see
// load-division-table.ts. The data is injected, so tests and the loader decide which is current.
import {
  checkDivisionRow,
  checkRetiredRow,
  DIVISION_LEVELS,
  DivisionDataError,
  type DivisionLevel,
  type DivisionRow,
  type DivisionRows,
  type RetiredDivisionFile,
  type RetiredDivisionRow,
} from './division-data.ts';

export interface Division {
  readonly code: string;
  readonly name: string;
  readonly level: DivisionLevel;
  /** Two-digit province prefix, e.g. '53'. */
  readonly province: string;
  /** Six-digit code of the prefecture, for counties only (Chongqing: 500100 or 500200). */
  readonly prefecture?: string;
}

/** A retired code and the current division that replaced it, for refusal messages only. */
export interface RetiredDivision {
  readonly code: string;
  readonly name: string;
  readonly successor: Division;
}

// Parents follow the code layout, and every parent must itself be in the table. 重庆's counties
// 5001xx sit under the statistical grouping 500100 市辖区 and 5002xx under 500200 县, which the
// source lists as prefectures; lift() steps over them.
function parentCode(row: DivisionRow): string | undefined {
  if (row.level === 'county') return `${row.code.slice(0, 4)}00`;
  if (row.level === 'prefecture') return `${row.code.slice(0, 2)}0000`;
  return undefined;
}

export class DivisionTable {
  readonly #byCode = new Map<string, Division>();
  readonly #retired = new Map<string, RetiredDivision>();
  readonly #groupings = new Set<string>();

  constructor(data: DivisionRows, retired: RetiredDivisionFile = { retired: [] }) {
    const rows: unknown = (data as { divisions?: unknown }).divisions;
    const retiredRows: unknown = (retired as { retired?: unknown }).retired;
    if (!Array.isArray(rows)) throw new DivisionDataError(['/divisions must be an array']);
    if (!Array.isArray(retiredRows)) throw new DivisionDataError(['/retired must be an array']);
    const problems = [
      ...rows.flatMap((row, i) => checkDivisionRow(row, i)),
      ...retiredRows.flatMap((row, i) => checkRetiredRow(row, i)),
    ];
    if (problems.length > 0) throw new DivisionDataError(problems);

    const valid = rows as DivisionRow[];
    const byLevel = new Map(valid.map((row) => [row.code, row.level]));
    for (const [i, row] of valid.entries()) {
      const parent = parentCode(row);
      const expected = row.level === 'county' ? 'prefecture' : 'province';
      if (this.#byCode.has(row.code)) problems.push(`/divisions/${i}: ${row.code} listed twice`);
      if (parent !== undefined && byLevel.get(parent) !== expected)
        problems.push(`/divisions/${i}: ${row.code} has no ${expected} ${parent} in the table`);
      const division: Division = {
        code: row.code,
        name: row.name,
        level: row.level,
        province: row.code.slice(0, 2),
        ...(row.level === 'county' ? { prefecture: parent } : {}),
      };
      this.#byCode.set(row.code, Object.freeze(division));
      if (row.grouping === true) this.#groupings.add(row.code);
    }
    for (const [i, row] of (retiredRows as RetiredDivisionRow[]).entries()) {
      const successor = this.#byCode.get(row.successor);
      if (this.#byCode.has(row.code)) problems.push(`/retired/${i}: ${row.code} is still current`);
      if (!successor) problems.push(`/retired/${i}: successor ${row.successor} is not current`);
      else
        this.#retired.set(row.code, Object.freeze({ code: row.code, name: row.name, successor }));
    }
    if (problems.length > 0) throw new DivisionDataError(problems);
  }

  has(code: string): boolean {
    return this.#byCode.has(code);
  }

  get(code: string): Division | undefined {
    return this.#byCode.get(code);
  }

  /** The retired code's record when it is a known retired code (never a current one). */
  retired(code: string): RetiredDivision | undefined {
    return this.#retired.get(code);
  }

  /** True for a prefecture row that only groups counties for statistics (重庆 500100, 500200). */
  isGrouping(code: string): boolean {
    return this.#groupings.has(code);
  }

  /**
   * The code of `code`'s ancestor (or itself) at `level`; undefined when the code is unknown or
   * coarser than the level (a prefecture cannot be lifted to a county). The prefecture level of a
   * statistical grouping is its province: in a municipality (重庆 500000) no authority sits between
   * the city and its districts, so 500101 lifts to 500000, never to 500100 or 500200.
   */
  lift(code: string, level: DivisionLevel): string | undefined {
    const division = this.#byCode.get(code);
    if (!division) return undefined;
    const from = DIVISION_LEVELS.indexOf(division.level);
    const to = DIVISION_LEVELS.indexOf(level);
    if (to > from) return undefined;
    const province = `${division.province}0000`;
    if (level === 'province') return province;
    const prefecture = division.level === 'county' ? division.prefecture! : division.code;
    if (level === 'prefecture') return this.#groupings.has(prefecture) ? province : prefecture;
    return division.code;
  }

  /**
   * True when `inner` is `outer` or lies within it (county in its prefecture or province,
   * prefecture in its province). Both must be in the table. A statistical grouping contains its
   * counties, and so does the municipality above it.
   */
  contains(outer: string, inner: string): boolean {
    const division = this.#byCode.get(inner);
    if (!division || !this.#byCode.has(outer)) return false;
    return outer === inner || outer === division.prefecture || outer === `${division.province}0000`;
  }

  /** Every division at one level, in the file's order (the generator sorts by code). */
  list(level: DivisionLevel): Division[] {
    return [...this.#byCode.values()].filter((d) => d.level === level);
  }

  count(level: DivisionLevel): number {
    return this.list(level).length;
  }
}
