// Personal data is a property of the schema (gateway/README.md#personal-data): a field that holds
// it says so with the annotation keyword `x-personal`, naming its kind, and the kind decides the
// mask (masks.ts). The shared definitions carry it (a $ref to personName, idNumber, phone,
// bankAccount or address is personal wherever it is used); an item annotates the fields that do
// not come from those definitions (schemas/README.md#personal-data).
import type { KeywordDefinition } from 'ajv';

export const PERSONAL_KEYWORD = 'x-personal';

/**
 * The five kinds of the issue, plus two whose mask must differ: a personal document number (居住证,
 * 结婚证, diplomas, practice certificates…) is shorter than an ID number and its leading
 * characters are a series or issuer code, so the ID mask would show most of it; an e-mail address
 * keeps its domain so a reader can tell which mailbox without reading it.
 */
export const PERSONAL_KINDS = [
  'id-number',
  'name',
  'phone',
  'bank-account',
  'address',
  'document-number',
  'email',
] as const;
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

export function isPersonalKind(value: unknown): value is PersonalKind {
  return (PERSONAL_KINDS as readonly unknown[]).includes(value);
}

/**
 * An annotation: no code runs per request; ajv only checks, when a schema compiles, that the value
 * names a kind (strict mode would refuse the unknown keyword otherwise).
 */
export const personalKeyword: KeywordDefinition = {
  keyword: PERSONAL_KEYWORD,
  schemaType: 'string',
  metaSchema: { enum: PERSONAL_KINDS },
};
