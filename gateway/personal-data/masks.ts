// One mask per personal kind (gateway/README.md#reads-and-masking). A mask keeps just enough for
// the person who submitted the case to recognise the value (the birthplace prefix of an ID number,
// the last digits of a phone or an account, the surname, the district of an address) and replaces
// every other character by one `*`, so the shape stays readable. Masks work on code points, never
// UTF-16 halves, so a masked name can never end in a lone surrogate.
import type { PersonalKind } from './personal-kind.ts';

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** Keeps `head` leading and `tail` trailing characters; a value shorter than `minLength`, none. */
function keep(value: string, head: number, tail: number, minLength: number): string {
  const chars = [...value];
  if (chars.length < minLength) return stars(chars.length);
  const start = chars.slice(0, head).join('');
  const end = chars.slice(chars.length - tail).join('');
  return `${start}${stars(chars.length - head - tail)}${end}`;
}

/** 5101**********123X: the first 4 (province and city of registration) and the last 4. */
export function maskIdNumber(value: string): string {
  return keep(value, 4, 4, 9);
}

/** 138****5678. */
export function maskPhone(value: string): string {
  return keep(value, 3, 4, 8);
}

/** ***************3445: the last 4 of an account or card of 12 or more, else the last 2. */
export function maskAccount(value: string): string {
  const length = [...value].length;
  return keep(value, 0, length >= 12 ? 4 : 2, 6);
}

/** J5**************34 → ****************34: a certificate number keeps only its last 2. */
export function maskDocumentNumber(value: string): string {
  return keep(value, 0, 2, 5);
}

/** 张**: the first character (the surname, or the first word of a party's name). */
export function maskName(value: string): string {
  return keep(value, 1, 0, 2);
}

/** z***@example.com: the first character of the mailbox and the whole domain. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return maskName(value);
  return `${[...value][0]}***${value.slice(at)}`;
}

// The leading division names of an address: a province-level unit, then a prefecture-level unit,
// then a county-level unit (schemas/README.md#personal-data). A segment is 1–6 characters that are
// not street words, so "人民路小区" can never pass for a district. The county is kept only after a
// province or prefecture, since a bare "XX区" is as likely a housing estate as a district.
const SEGMENT = '(?:(?![路街道巷弄号村组栋幢楼室])\\p{Script=Han}){1,6}?';
const DIVISIONS = new RegExp(
  `^(?:${SEGMENT}(?:省|自治区|特别行政区))?(?:${SEGMENT}(?:市|自治州|地区|盟))?` +
    `(?:${SEGMENT}(?:自治县|自治旗|县|区|市|旗))?`,
  'u',
);
const HIGHER_LEVEL = /(?:省|自治区|特别行政区|市|自治州|地区|盟)/u;

/** 四川省成都市武侯区********: the province, prefecture and county; the street detail masked. */
export function maskAddress(value: string): string {
  const chars = [...value];
  const matched = DIVISIONS.exec(value)?.[0] ?? '';
  const prefix = HIGHER_LEVEL.test(matched) ? [...matched] : [];
  return prefix.join('') + stars(chars.length - prefix.length);
}

export const MASKS: Readonly<Record<PersonalKind, (value: string) => string>> = {
  'id-number': maskIdNumber,
  name: maskName,
  phone: maskPhone,
  'bank-account': maskAccount,
  address: maskAddress,
  'document-number': maskDocumentNumber,
  email: maskEmail,
};
