// 项目所在地 by name (README.md#the-taxpayer-portal): the division code a payment's project names
// (530323) said as a clerk reads it, 云南省曲靖市师宗县 — the province, its prefecture (none for a
// statistical grouping such as 重庆's 500100 市辖区) and the county — from the alliance members'
// division table (config/divisions.json, schemas/README.md#division-codes). The server names the one
// code a page shows; the browser never receives the table (73 KB), and asks the name of a code typed
// on the form (GET /api/places/{code}).
import type { DivisionTable } from '../../gateway/divisions/division-table.ts';

/** The full name of a division code; '' for a code the table does not hold. */
export type PlaceNames = (code: unknown) => string;

export function placeNames(table: DivisionTable): PlaceNames {
  return (code) => {
    if (typeof code !== 'string') return '';
    const division = table.get(code);
    if (!division) return '';
    const province = table.get(`${division.province}0000`)?.name ?? '';
    if (division.level === 'province') return division.name;
    const prefectureCode = division.level === 'county' ? division.prefecture! : division.code;
    const prefecture = table.isGrouping(prefectureCode)
      ? ''
      : (table.get(prefectureCode)?.name ?? '');
    return division.level === 'county'
      ? `${province}${prefecture}${division.name}`
      : `${province}${prefecture}`;
  };
}

/** `530323 云南省曲靖市师宗县`, or the code alone when it has no name. */
export function placeText(names: PlaceNames, code: unknown): string {
  const key = typeof code === 'string' ? code : '';
  const name = names(key);
  return name ? `${key} ${name}` : key;
}
