// Loads schemas/catalogue.json, the metadata of every published item version, and refuses it
// with every problem listed when any entry is wrong (gateway/README.md#compile-once: validated,
// then frozen). An entry in this file IS a published version: drafts live elsewhere until
// published.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import { MEMBER_PROVINCES, type CatalogueItem } from './catalogue-item.ts';
import { CATALOGUE_METADATA_SCHEMA } from './catalogue-metadata-schema.ts';
import { toFieldProblems } from './field-problems.ts';

export const DEFAULT_CATALOGUE_FILE = projectPath('schemas', 'catalogue.json');

type RawItem = Omit<CatalogueItem, 'enabledProvinces'> & { enabledProvinces?: string[] };

// Compiled once per load; loading happens at start or on publish, never per request.
function metadataValidator() {
  return new Ajv2020({ strict: true, allErrors: true }).compile<{ items: RawItem[] }>(
    CATALOGUE_METADATA_SCHEMA,
  );
}

/**
 * Problems that JSON Schema cannot express: they relate two fields or two entries. Run on the raw
 * data even when the schema failed, so one pass reports everything; ill-typed entries are skipped.
 */
function crossChecks(data: unknown): string[] {
  const items = (data as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  items.forEach((entry: unknown, i) => {
    const item = (entry ?? {}) as Partial<Record<'code' | 'department' | 'version', unknown>>;
    if (typeof item.code !== 'string' || typeof item.department !== 'string') return;
    // The code's prefix is the department (GA-001 belongs to 公安),
    // schemas/README.md#alliance-and-catalogue.
    if (item.code.slice(0, 2) !== item.department)
      problems.push(`/items/${i}/code: ${item.code} does not start with ${item.department}-`);
    const key = `${item.code} v${String(item.version)}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`/items/${i}: ${key} duplicates /items/${first}`);
    else seen.set(key, i);
  });
  return problems;
}

function freezeItem(raw: RawItem): CatalogueItem {
  return Object.freeze({
    ...raw,
    modes: Object.freeze([...raw.modes]),
    enabledProvinces: Object.freeze([...(raw.enabledProvinces ?? MEMBER_PROVINCES)]),
  });
}

/** Validates parsed catalogue JSON; returns frozen items or throws CatalogueInvalidError. */
export function parseCatalogue(data: unknown, source = 'catalogue'): readonly CatalogueItem[] {
  const validate = metadataValidator();
  const valid = validate(data);
  const problems = [
    ...toFieldProblems(validate.errors).map((p) => `${p.path}: ${p.message}`),
    ...crossChecks(data),
  ];
  if (!valid || problems.length > 0)
    throw new CatalogueInvalidError(`${source} is invalid`, problems);
  return Object.freeze(data.items.map(freezeItem));
}

/** Reads and validates the catalogue file (default schemas/catalogue.json). */
export function loadCatalogue(file = DEFAULT_CATALOGUE_FILE): readonly CatalogueItem[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogueInvalidError(`${file} cannot be read`, [String(error)]);
  }
  return parseCatalogue(data, file);
}
