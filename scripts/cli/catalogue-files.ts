// The catalogue as files under a repository root (schemas/ and config/calendars/), read for
// `catalogue diff` and `catalogue import`, and the drafts a local change turns into: per item, its
// latest local version against the published one; per calendar year, the file's text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplesFor, type DraftItem } from '../../gateway/catalogue/admin/item-version.ts';
import type { ExportedFile } from '../../gateway/catalogue/admin/catalogue-export.ts';
import { itemExamplesFile, itemSchemaFile } from '../../gateway/catalogue/item-files.ts';
import { CommandFailure } from '../command-failure.ts';

/** path → text of every catalogue file under `root`. */
export function readLocalFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const read = (path: string) => {
    const full = join(root, path);
    if (existsSync(full)) files.set(path, readFileSync(full, 'utf8'));
  };
  read('schemas/catalogue.json');
  const items = join(root, 'schemas/items');
  if (existsSync(items))
    for (const f of readdirSync(items).sort()) if (f.endsWith('.json')) read(`schemas/items/${f}`);
  const calendars = join(root, 'config/calendars');
  if (existsSync(calendars))
    for (const f of readdirSync(calendars).sort())
      if (/^\d{4}\.json$/.test(f)) read(`config/calendars/${f}`);
  return files;
}

export interface FileChange {
  readonly path: string;
  readonly change: 'added' | 'changed' | 'removed';
}

/** Local files against the published ones (`removed`: published, absent locally). */
export function fileChanges(
  local: ReadonlyMap<string, string>,
  published: readonly ExportedFile[],
): FileChange[] {
  const remote = new Map(published.map((f) => [f.path, f.text]));
  const changes: FileChange[] = [];
  for (const [path, text] of local) {
    const other = remote.get(path);
    if (other === undefined) changes.push({ path, change: 'added' });
    else if (other !== text) changes.push({ path, change: 'changed' });
  }
  for (const path of remote.keys()) if (!local.has(path)) changes.push({ path, change: 'removed' });
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

type Entry = Record<string, unknown> & { code: string; version: number };

function entriesOf(text: string | undefined, where: string): Entry[] {
  if (text === undefined) throw new CommandFailure(`${where}: schemas/catalogue.json is missing`);
  try {
    return (JSON.parse(text) as { items: Entry[] }).items;
  } catch (error) {
    throw new CommandFailure(`${where}: schemas/catalogue.json: ${(error as Error).message}`);
  }
}

/** The latest version entry of every code. */
function latestEntries(entries: readonly Entry[]): Map<string, Entry> {
  const latest = new Map<string, Entry>();
  for (const e of entries)
    if ((latest.get(e.code)?.version ?? 0) < e.version) latest.set(e.code, e);
  return latest;
}

/** A draft body the import would create (the POST /v1/admin/catalogue/drafts body). */
export interface PlannedDraft {
  /** `SW-005` or `calendar 2027`. */
  readonly label: string;
  readonly body: Record<string, unknown>;
  /** A problem found before asking the gateway (a file that is not JSON). */
  readonly problem?: string;
}

function parse(text: string | undefined, path: string): { value?: unknown; problem?: string } {
  if (text === undefined) return { problem: `${path} is missing` };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: `${path}: ${(error as Error).message}` };
  }
}

/**
 * The drafts that bring the published catalogue to the local files: an item whose latest local
 * version's entry, schema or examples differ from the published version of that number (or that
 * has no such published version) becomes a draft on the published latest; a calendar year whose
 * text differs becomes a calendar draft.
 */
export function plannedDrafts(
  local: ReadonlyMap<string, string>,
  published: readonly ExportedFile[],
  note: string,
): PlannedDraft[] {
  const remote = new Map(published.map((f) => [f.path, f.text]));
  const localLatest = latestEntries(entriesOf(local.get('schemas/catalogue.json'), 'local'));
  const remoteEntries = entriesOf(remote.get('schemas/catalogue.json'), 'published');
  const remoteLatest = latestEntries(remoteEntries);
  const remoteByKey = new Map(remoteEntries.map((e) => [`${e.code}@${e.version}`, e]));
  const drafts: PlannedDraft[] = [];
  for (const [code, entry] of localLatest) {
    const schemaPath = `schemas/${itemSchemaFile(code, entry.version)}`;
    const examplesPath = `schemas/${itemExamplesFile(code, entry.version)}`;
    const same =
      JSON.stringify(remoteByKey.get(`${code}@${entry.version}`)) === JSON.stringify(entry) &&
      remote.get(schemaPath) === local.get(schemaPath) &&
      remote.get(examplesPath) === local.get(examplesPath);
    if (same) continue;
    const base = remoteLatest.get(code)?.version ?? 0;
    const schema = parse(local.get(schemaPath), schemaPath);
    const examples = parse(local.get(examplesPath), examplesPath);
    const { code: _code, version: _version, ...metadata } = entry;
    const problem = schema.problem ?? examples.problem;
    drafts.push({
      label: code,
      body: {
        itemCode: code,
        baseVersion: base,
        note,
        item: problem
          ? {}
          : {
              ...metadata,
              schema: schema.value,
              examples: examplesFor(code, base + 1, examples.value as DraftItem['examples']),
            },
      },
      ...(problem ? { problem } : {}),
    });
  }
  for (const [path, text] of local) {
    const year = /^config\/calendars\/(\d{4})\.json$/.exec(path)?.[1];
    if (!year || remote.get(path) === text) continue;
    const calendar = parse(text, path);
    drafts.push({
      label: `calendar ${year}`,
      body: { kind: 'calendar', calendar: calendar.value ?? {}, note },
      ...(calendar.problem ? { problem: calendar.problem } : {}),
    });
  }
  return drafts;
}
