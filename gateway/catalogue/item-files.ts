// Where an item version's schema and examples live, and reading them. Layout of schemas/items/:
//   version 1       <code>.schema.json       + <code>.examples.json
//   version N > 1   <code>.vN.schema.json    + <code>.vN.examples.json
// Version 1 keeps the plain name because most items never get a second version, and the files
// and $ids written for the seed catalogue use it. A schema's $id must name its own file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_BASE } from './create-ajv.ts';

export interface InvalidExample {
  readonly description?: string;
  /** JSON pointer into the envelope where validation must fail, e.g. /payload/lines/0/amount. */
  readonly pointer: string;
  /** The ajv keyword that must fail there. */
  readonly keyword: string;
  readonly envelope: unknown;
}

/**
 * Envelopes a portal can copy (gateway/README.md#read-endpoints): valid ones are accepted as-is.
 */
export interface ItemExamples {
  readonly valid: readonly unknown[];
  readonly invalid: readonly InvalidExample[];
}

export function itemFileBase(code: string, version: number): string {
  return version === 1 ? code : `${code}.v${version}`;
}

export function itemSchemaFile(code: string, version: number): string {
  return `items/${itemFileBase(code, version)}.schema.json`;
}

export function itemExamplesFile(code: string, version: number): string {
  return `items/${itemFileBase(code, version)}.examples.json`;
}

export function itemSchemaId(code: string, version: number): string {
  return `${SCHEMA_BASE}${itemSchemaFile(code, version)}`;
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export function readJson(schemasDir: string, file: string): ReadResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : String(error);
    return { ok: false, problem: `${file}: ${reason}` };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInvalidExample(value: unknown): value is InvalidExample {
  return (
    isObject(value) &&
    typeof value.pointer === 'string' &&
    typeof value.keyword === 'string' &&
    isObject(value.envelope)
  );
}

/** Reads `<code>[.vN].examples.json`; at least one valid and one invalid example are required. */
export function readExamples(
  schemasDir: string,
  code: string,
  version: number,
): ReadResult<ItemExamples> {
  const file = itemExamplesFile(code, version);
  const read = readJson(schemasDir, file);
  return read.ok ? checkExamples(file, read.value) : read;
}

/** Parses an examples document's text (`file` names it in problems). */
export function parseExamples(file: string, text: string): ReadResult<ItemExamples> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${file}: ${String(error)}` };
  }
  return checkExamples(file, value);
}

/** An examples document's shape (`file` names it in the problem), from a file or a draft. */
export function checkExamples(file: string, value: unknown): ReadResult<ItemExamples> {
  const { valid, invalid } = isObject(value) ? value : {};
  if (!Array.isArray(valid) || valid.length === 0 || !valid.every(isObject))
    return { ok: false, problem: `${file}: needs a non-empty "valid" list of envelopes` };
  if (!Array.isArray(invalid) || invalid.length === 0 || !invalid.every(isInvalidExample))
    return {
      ok: false,
      problem: `${file}: needs a non-empty "invalid" list of { pointer, keyword, envelope }`,
    };
  return { ok: true, value: deepFreeze({ valid, invalid }) };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
