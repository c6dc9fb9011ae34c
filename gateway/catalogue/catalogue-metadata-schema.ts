// JSON Schema of schemas/catalogue.json: the metadata of every published item version
// (schemas/README.md#alliance-and-catalogue). Rules that need two fields or two items at once (the
// code's department prefix, no duplicate code + version) are checked in catalogue-loader.ts.
import {
  DEPARTMENTS,
  LEVELS,
  MEMBER_PROVINCES,
  MODES,
  SCOPES,
  SUBJECTS,
} from './catalogue-item.ts';

const itemSchema = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 6, pattern: '^[A-Z]{2}-[0-9]{3}$' },
    // Same bound as the envelope's itemVersion (schemas/envelope.schema.json).
    version: { type: 'integer', minimum: 1, maximum: 9999 },
    name: { type: 'string', minLength: 2, maxLength: 100, pattern: '[\\u4e00-\\u9fa5]' },
    department: { enum: [...DEPARTMENTS] },
    subject: { enum: [...SUBJECTS] },
    modes: {
      type: 'array',
      minItems: 1,
      maxItems: MODES.length,
      uniqueItems: true,
      items: { enum: [...MODES] },
    },
    level: { enum: [...LEVELS] },
    // 承诺时限 in working days (gateway/README.md#working-days-and-due-times); 0 = decided at once. A
    // year bounds typos.
    promisedDays: { type: 'integer', minimum: 0, maximum: 365 },
    scope: { enum: [...SCOPES] },
    // Omitted = enabled in every member province (catalogue-item.ts).
    enabledProvinces: {
      type: 'array',
      maxItems: MEMBER_PROVINCES.length,
      uniqueItems: true,
      items: { enum: [...MEMBER_PROVINCES] },
    },
    // Seed provenance (schemas/README.md#alliance-and-catalogue): C confirmed, R recalled, P
    // plausible.
    provenance: { enum: ['C', 'R', 'P'] },
    // Operators disabled the item (catalogue-item.ts); portals see it in the 422.
    disabledNotice: { type: 'string', minLength: 2, maxLength: 500 },
  },
  required: ['code', 'version', 'name', 'department', 'subject', 'modes', 'level'],
  additionalProperties: false,
} as const;

export const CATALOGUE_METADATA_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    items: { type: 'array', minItems: 1, maxItems: 10_000, items: itemSchema },
  },
  required: ['items'],
  additionalProperties: false,
} as const;
