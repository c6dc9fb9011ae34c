// Metadata of one catalogue item (schemas/catalogue.json), DOMAIN.md §1–§2.

export const DEPARTMENTS = [
  'GA',
  'RS',
  'YB',
  'GJ',
  'SJ',
  'SF',
  'HJ',
  'ZR',
  'JT',
  'MZ',
  'SW',
  'WJ',
  'JY',
  'TY',
  'NY',
  'CL',
  'WL',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const MODES = ['online', 'proxy', 'joint'] as const;
export type Mode = (typeof MODES)[number];

export const LEVELS = ['province', 'prefecture', 'county'] as const;
export type Level = (typeof LEVELS)[number];

export type Subject = 'person' | 'enterprise' | 'both';

export interface CatalogueItem {
  readonly code: string;
  readonly version: number;
  readonly name: string;
  readonly department: Department;
  readonly subject: Subject;
  readonly modes: readonly Mode[];
  readonly level: Level;
  /** 承诺时限 in working days; 0 means decided at once. */
  readonly promisedDays: number;
  readonly scope: 'national' | 'regional';
  /** Two-digit province codes where the item is enabled (default: all six members). */
  readonly enabledProvinces: readonly string[];
  readonly provenance?: string;
}
