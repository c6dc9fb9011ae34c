// What an item draft becomes when it is published as version N: the catalogue.json entry (keys in
// the file's order), the schema with the $id of its own file (items/<code>.vN.schema.json, so its
// relative $refs resolve as every item's do) and the examples, both as the text `catalogue export`
// writes. Validation compiles exactly this, with the version the approval will give it.
import { canonicalJson } from '../../shared/canonical-json.ts';
import { MEMBER_PROVINCES, type CatalogueItem } from '../catalogue-item.ts';
import { itemSchemaId } from '../item-files.ts';
import { sourceDigest } from '../item-source.ts';
import type { PublishedVersion } from '../published/catalogue-store.ts';

/** The item part of a draft: metadata, schema and examples (gateway/README.md). */
export interface DraftItem {
  readonly name: string;
  readonly department: string;
  readonly subject: string;
  readonly modes: readonly string[];
  readonly level: string;
  readonly promisedDays?: number;
  readonly scope?: string;
  readonly enabledProvinces?: readonly string[];
  readonly provenance?: string;
  readonly disabledNotice?: string;
  readonly schema: Record<string, unknown>;
  readonly examples: { readonly valid: readonly unknown[]; readonly invalid: readonly unknown[] };
}

const METADATA_ORDER = [
  'name',
  'department',
  'subject',
  'modes',
  'level',
  'promisedDays',
  'scope',
  'enabledProvinces',
  'provenance',
  'disabledNotice',
] as const;

/** JSON as the catalogue's files are written when generated: two spaces, a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function draftMetadata(
  code: string,
  version: number,
  item: DraftItem,
): Record<string, unknown> {
  const metadata: Record<string, unknown> = { code, version };
  for (const key of METADATA_ORDER) if (item[key] !== undefined) metadata[key] = item[key];
  return metadata;
}

/** The schema with the $id of version `version`'s file, kept after $schema as the files do. */
export function schemaWithId(
  code: string,
  version: number,
  schema: Record<string, unknown>,
): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$id'));
  const { $schema, ...others } = rest;
  return {
    ...($schema !== undefined ? { $schema } : {}),
    $id: itemSchemaId(code, version),
    ...others,
  };
}

export interface VersionDocument {
  readonly version: PublishedVersion;
  readonly digest: string;
}

export function versionDocument(
  code: string,
  version: number,
  item: DraftItem,
  publication: { at?: string; by?: string; draftId?: string } = {},
): VersionDocument {
  const metadata = draftMetadata(code, version, item);
  const schemaText = jsonText(schemaWithId(code, version, item.schema));
  const examplesText = jsonText(item.examples);
  return {
    version: {
      metadata,
      schemaText,
      examplesText,
      ...(publication.at ? { publishedAt: publication.at } : {}),
      ...(publication.by ? { publishedBy: publication.by } : {}),
      ...(publication.draftId ? { draftId: publication.draftId } : {}),
    },
    digest: sourceDigest(metadata, schemaText, examplesText),
  };
}

/**
 * Examples retargeted at another item version: every envelope names `code` and, where it pins a
 * version, `version`, since a draft's examples must be accepted as the version it will publish.
 */
export function examplesFor(
  code: string,
  version: number,
  examples: DraftItem['examples'],
): DraftItem['examples'] {
  const retarget = (envelope: unknown) => {
    if (typeof envelope !== 'object' || envelope === null) return envelope;
    const e = envelope as Record<string, unknown>;
    return { ...e, itemCode: code, ...('itemVersion' in e ? { itemVersion: version } : {}) };
  };
  return {
    valid: examples.valid.map(retarget),
    invalid: examples.invalid.map((example) => {
      const e = example as { envelope?: unknown };
      return { ...e, envelope: retarget(e.envelope) };
    }),
  };
}

/** A published item version as a draft's `item` (the starting point of the next change). */
export function draftItemOf(
  item: CatalogueItem,
  schema: Readonly<Record<string, unknown>>,
  examples: DraftItem['examples'],
  next: { code: string; version: number } = { code: item.code, version: item.version + 1 },
): DraftItem {
  const { code: _code, version: _version, ...metadata } = item;
  return structuredClone({
    ...metadata,
    schema,
    examples: examplesFor(next.code, next.version, examples),
  });
}

/**
 * Whether an item draft says exactly what `published` (the version it changes) says: the same
 * metadata (enabledProvinces absent read as every member, as the catalogue loads it), the same
 * schema but for its $id and the same examples once retargeted at the next version, as the
 * console's copy of the version is. Publishing it would make a version with nothing new that
 * pinned portals are asked to move to, so submitting and approving it are refused
 * (GW_DRAFT_UNCHANGED). Compared as canonical JSON, so key order and layout do not count.
 */
export function sameAsPublished(
  code: string,
  base: number,
  published: PublishedVersion,
  item: DraftItem,
): boolean {
  const next = base + 1;
  const comparable = (
    metadata: Readonly<Record<string, unknown>>,
    schema: Readonly<Record<string, unknown>>,
    examples: DraftItem['examples'],
  ) => {
    const { code: _code, version: _version, ...rest } = metadata;
    const { $id: _schemaId, ...schemaRest } = schema;
    return canonicalJson({
      metadata: { ...rest, enabledProvinces: rest.enabledProvinces ?? MEMBER_PROVINCES },
      schema: schemaRest,
      examples: examplesFor(code, next, examples),
    });
  };
  return (
    comparable(draftMetadata(code, next, item), item.schema, item.examples) ===
    comparable(
      published.metadata,
      JSON.parse(published.schemaText) as Record<string, unknown>,
      JSON.parse(published.examplesText) as DraftItem['examples'],
    )
  );
}
