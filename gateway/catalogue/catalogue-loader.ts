// Loads schemas/catalogue.json, the metadata of every published item version, and refuses it
// with every problem listed when any entry is wrong (gateway/README.md#compile-once: validated,
// then frozen). An entry in this file IS a published version: drafts live elsewhere until
// published.
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import type { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import { DEPARTMENTS, MEMBER_PROVINCES, type CatalogueItem } from './catalogue-item.ts';
import { CATALOGUE_METADATA_SCHEMA } from './catalogue-metadata-schema.ts';
import { toFieldProblems } from './field-problems.ts';
import type { FieldProblem } from '../shared/errors.ts';

export const DEFAULT_CATALOGUE_FILE = projectPath('schemas', 'catalogue.json');

type RawItem = Omit<CatalogueItem, 'enabledProvinces'> & { enabledProvinces?: string[] };

// Compiled once, on first use: a live reload parses the new versions' metadata after every
// publish, and compiling this schema costs more than the rest of a one-item reload.
let compiledMetadata: ValidateFunction<{ items: RawItem[] }> | undefined;
function metadataValidator(): ValidateFunction<{ items: RawItem[] }> {
  compiledMetadata ??= new SharedMetaAjv({ strict: true, allErrors: true }).compile<{
    items: RawItem[];
  }>(CATALOGUE_METADATA_SCHEMA);
  return compiledMetadata;
}

/**
 * The code's prefix is the department (GA-001 belongs to 公安),
 * schemas/README.md#alliance-and-catalogue.
 */
export function codeBelongsTo(code: string, department: string): boolean {
  return code.slice(0, 2) === department;
}

// The entry schema alone, for drafts: compiled once, on first use, like the file's (it is a constant,
// and compiling it again for every draft validation cost about 4 ms of it).
let compiledEntry: ValidateFunction | undefined;
function entryValidator(): ValidateFunction {
  compiledEntry ??= new SharedMetaAjv({ strict: true, allErrors: true }).compile(
    CATALOGUE_METADATA_SCHEMA.properties.items.items,
  );
  return compiledEntry;
}

/**
 * The problems of one catalogue entry on its own (an operator's draft metadata), each located in
 * the entry, in English and Chinese: what the catalogue file's schema demands of every entry, and
 * the department prefix of its code.
 */
export function entryProblems(entry: unknown): FieldProblem[] {
  const validate = entryValidator();
  const problems = validate(entry) ? [] : toFieldProblems(validate.errors);
  const { code, department } = (entry ?? {}) as Record<string, unknown>;
  // An unknown department is refused by the schema already; the prefix would add nothing.
  const known =
    typeof department === 'string' && (DEPARTMENTS as readonly string[]).includes(department);
  if (typeof code === 'string' && known && !codeBelongsTo(code, department))
    problems.push({
      path: '/department',
      message: `${code} does not belong to department ${department}: its code must start with ${department}-`,
      messageZh: `事项编码 ${code} 不属于部门 ${department},编码应以 ${department}- 开头`,
    });
  return problems;
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
    if (!codeBelongsTo(item.code, item.department))
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
  // Every problem of the file, for the operator who fixes it: no refusal's bound here.
  const problems = [
    ...toFieldProblems(validate.errors, '', undefined, { limit: Infinity }).map(
      (p) => `${p.path}: ${p.message}`,
    ),
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
