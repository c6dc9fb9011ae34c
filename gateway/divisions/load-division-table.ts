// Reads the committed division files and builds the table once at start
// (gateway/README.md#compile-once); the table is then passed down explicitly, never imported as a
// module-level singleton.
import { readFileSync } from 'node:fs';
import { projectPath } from '../shared/project-root.ts';
import type { DivisionFile, RetiredDivisionFile } from './division-data.ts';
import { DivisionTable } from './division-table.ts';

export const DIVISIONS_PATH = projectPath('config', 'divisions.json');
export const RETIRED_DIVISIONS_PATH = projectPath('config', 'retired-divisions.json');

// JSON.parse's result is unchecked here on purpose: the DivisionTable constructor checks every
// row and refuses the data with all problems listed.
function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function loadDivisionTable(
  path: string = DIVISIONS_PATH,
  retiredPath: string = RETIRED_DIVISIONS_PATH,
): DivisionTable {
  return new DivisionTable(
    readJson(path) as DivisionFile,
    readJson(retiredPath) as RetiredDivisionFile,
  );
}
