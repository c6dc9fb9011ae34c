// One published item version as the catalogue stores it: its metadata entry, and the exact text of
// its schema and examples documents. Text, not parsed JSON, because `catalogue export` must write
// the files back byte for byte when nothing changed (gateway/README.md#catalogue-administration).
// The digest covers what compiles (metadata, schema, examples), so a gateway recompiles an item
// version only when its digest changes — never, for a published version, since versions are
// immutable; a Redis re-seeded from other files is the one way it can.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueInvalidError } from './catalogue-error.ts';
import type { CatalogueItem } from './catalogue-item.ts';
import { parseCatalogue } from './catalogue-loader.ts';
import { itemExamplesFile, itemSchemaFile } from './item-files.ts';

export interface ItemSource {
  readonly item: CatalogueItem;
  /** The entry as schemas/catalogue.json holds it (key order kept, defaults not filled in). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly schemaText: string;
  readonly examplesText: string;
  readonly digest: string;
}

/** The key of one item version in maps and in Redis hashes: `SW-005@2`. */
export function versionKey(code: string, version: number): string {
  return `${code}@${version}`;
}

/** What compiling one item version gave: its entry, or why it did not compile. */
export type VersionCompiled<E> = { ok: true; entry: E } | { ok: false; problems: string[] };

/** Item versions compiled and grouped by code: what each process builds of a revision. */
export interface VersionsCompiled<E> {
  readonly byCode: Map<string, Map<number, E>>;
  /** Each prefixed with its code and version. */
  readonly problems: string[];
  /** How many versions this call compiled (the rest were kept from an earlier call). */
  readonly compiled: number;
  readonly ms: number;
}

/**
 * Compiles each item version once per digest: a later call with the same source keeps the entry
 * compiled before, so a reload compiles only what a publish changed (gateway/README.md#live-reload).
 * The gateway's registry and the worker's result schemas both build through it.
 */
export function compilePerDigest<E extends { readonly digest: string }>(
  compileOne: (source: ItemSource) => VersionCompiled<E>,
): (sources: readonly ItemSource[]) => VersionsCompiled<E> {
  const compiledByKey = new Map<string, E>();
  return (sources) => {
    const started = performance.now();
    const byCode = new Map<string, Map<number, E>>();
    const problems: string[] = [];
    let compiled = 0;
    for (const source of sources) {
      const { code, version } = source.item;
      const key = versionKey(code, version);
      let entry = compiledByKey.get(key);
      if (entry?.digest !== source.digest) {
        compiled++;
        const outcome = compileOne(source);
        if (!outcome.ok) {
          problems.push(...outcome.problems.map((p) => `${code} v${version}: ${p}`));
          continue;
        }
        entry = outcome.entry;
        compiledByKey.set(key, entry);
      }
      const versions = byCode.get(code) ?? new Map<number, E>();
      byCode.set(code, versions.set(version, entry));
    }
    return { byCode, problems, compiled, ms: performance.now() - started };
  };
}

export function sourceDigest(metadata: unknown, schemaText: string, examplesText: string): string {
  return createHash('sha256')
    .update(JSON.stringify(metadata))
    .update('\0')
    .update(schemaText)
    .update('\0')
    .update(examplesText)
    .digest('hex');
}

export function itemSource(
  item: CatalogueItem,
  metadata: Readonly<Record<string, unknown>>,
  schemaText: string,
  examplesText: string,
): ItemSource {
  return Object.freeze({
    item,
    metadata,
    schemaText,
    examplesText,
    digest: sourceDigest(metadata, schemaText, examplesText),
  });
}

/** Text of a file under schemasDir, or '' when missing (the compiler then names the file). */
function readText(schemasDir: string, file: string): string {
  try {
    return readFileSync(join(schemasDir, file), 'utf8');
  } catch {
    return '';
  }
}

/** Sources of the given item versions from their files under schemasDir. */
export function sourcesFromFiles(
  schemasDir: string,
  items: readonly CatalogueItem[],
  metadata: readonly Readonly<Record<string, unknown>>[] = items as never,
): ItemSource[] {
  return items.map((item, i) =>
    itemSource(
      item,
      metadata[i] ?? (item as unknown as Record<string, unknown>),
      readText(schemasDir, itemSchemaFile(item.code, item.version)),
      readText(schemasDir, itemExamplesFile(item.code, item.version)),
    ),
  );
}

/** Every item version of schemas/catalogue.json with its files: the seed of an empty catalogue. */
export function readSeedSources(schemasDir: string): ItemSource[] {
  const file = join(schemasDir, 'catalogue.json');
  let data: { items: Record<string, unknown>[] };
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as typeof data;
  } catch (error) {
    throw new CatalogueInvalidError(`${file} cannot be read`, [String(error)]);
  }
  const items = parseCatalogue(data, file);
  return sourcesFromFiles(schemasDir, items, data.items);
}
