// Reads the committed division files and builds the tables once at start (gateway/README.md#compile-once); the
// tables are then passed down explicitly, never imported as module-level singletons.
//
// Two uses, two tables from one generated file (schemas/README.md#division-codes):
//  - member: the alliance members' divisions, for routing (which platform handles a case);
//  - national: every province-level unit of China, for payload fields that name a place
//    (户籍地, 就医地, 参保地, a postal address…), which may lie anywhere in the country.
import { readFileSync } from 'node:fs';
import { MEMBER_PROVINCES } from '../catalogue/catalogue-item.ts';
import { projectPath } from '../shared/project-root.ts';
import { divisionRows, type RetiredDivisionFile } from './division-data.ts';
import { DivisionTable } from './division-table.ts';

export const DIVISIONS_PATH = projectPath('config', 'divisions.json');
export const RETIRED_DIVISIONS_PATH = projectPath('config', 'retired-divisions.json');

/** Which table a payload field is checked against: the `divisionCode` keyword's value. */
export type DivisionScope = 'member' | 'national';

export interface DivisionTables {
  readonly member: DivisionTable;
  readonly national: DivisionTable;
}

// JSON.parse's result is unchecked here on purpose: divisionRows and the DivisionTable
// constructor check every row and refuse the data with all problems listed.
function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** The members' table (routing): the six members' part of the file, with the retired codes. */
export function loadDivisionTable(
  path: string = DIVISIONS_PATH,
  retiredPath: string = RETIRED_DIVISIONS_PATH,
  memberProvinces: readonly string[] = MEMBER_PROVINCES,
): DivisionTable {
  return loadDivisionTables(path, retiredPath, memberProvinces).member;
}

/** Both tables, read from the one generated file. */
export function loadDivisionTables(
  path: string = DIVISIONS_PATH,
  retiredPath: string = RETIRED_DIVISIONS_PATH,
  memberProvinces: readonly string[] = MEMBER_PROVINCES,
): DivisionTables {
  const file = readJson(path);
  return {
    member: new DivisionTable(
      { divisions: divisionRows(file, memberProvinces) },
      readJson(retiredPath) as RetiredDivisionFile,
    ),
    national: new DivisionTable({ divisions: divisionRows(file) }),
  };
}
