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
