// The published catalogue as the repository's files (`npm run cli -- catalogue export`):
// schemas/catalogue.json (every version's entry, in catalogue order), each version's schema and
// examples text exactly as stored, and config/calendars/<year>.json. A catalogue nobody changed
// exports byte for byte the files it was seeded from, so catalogue changes can be reviewed as diffs.
import { itemExamplesFile, itemSchemaFile } from '../item-files.ts';
import type { CatalogueStore } from '../published/catalogue-store.ts';
import { jsonText } from './item-version.ts';

export interface ExportedFile {
  /** Relative to the repository root, e.g. schemas/items/SW-005.schema.json. */
  readonly path: string;
  readonly text: string;
}

export interface ExportedCatalogue {
  readonly revision: number;
  readonly files: readonly ExportedFile[];
}

export async function exportFiles(store: CatalogueStore): Promise<ExportedCatalogue> {
  const state = await store.state();
  const versions = await store.versions(state.order);
  const entries: unknown[] = [];
  const files: ExportedFile[] = [];
  for (const key of state.order) {
    const version = versions.get(key);
    if (!version) continue;
    const { code, version: number } = version.metadata as { code: string; version: number };
    entries.push(version.metadata);
    files.push(
      { path: `schemas/${itemSchemaFile(code, number)}`, text: version.schemaText },
      { path: `schemas/${itemExamplesFile(code, number)}`, text: version.examplesText },
    );
  }
  for (const [year, text] of [...state.calendars].sort(([a], [b]) => a - b))
    files.push({ path: `config/calendars/${year}.json`, text });
  return {
    revision: state.revision,
    files: [{ path: 'schemas/catalogue.json', text: jsonText({ items: entries }) }, ...files],
  };
}

/**
 * Exports, remembered for the revision they read (a revision names one published state, so its
 * export never changes) and shared while one is being read: the export is about 2 MB of texts read
 * and parsed from Redis, and sixteen operators asking at once kept the gateway's one thread busy
 * long enough for most of them, and any request beside them, to pass the Redis command timeout
 * (503; the route also writes one revision's JSON once). One small GET of the revision per call; a publish moves it and the next call reads again.
 */
export function catalogueExporter(store: CatalogueStore): () => Promise<ExportedCatalogue> {
  let last: ExportedCatalogue | undefined;
  let reading: Promise<ExportedCatalogue> | undefined;
  return async () => {
    const revision = await store.revision();
    if (last && last.revision >= revision) return last;
    reading ??= exportFiles(store).finally(() => {
      reading = undefined;
    });
    let exported = await reading;
    // A read begun before the publish this caller saw: read again, not an older catalogue.
    if (exported.revision < revision) exported = await exportFiles(store);
    if (!last || exported.revision > last.revision) last = exported;
    return exported;
  };
}
