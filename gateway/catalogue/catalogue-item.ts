// Metadata of one catalogue item (schemas/catalogue.json),
// schemas/README.md#alliance-and-catalogue.

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

export const SUBJECTS = ['person', 'enterprise', 'both'] as const;
export type Subject = (typeof SUBJECTS)[number];

export const SCOPES = ['national', 'regional'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Two-digit codes of the six alliance members (schemas/README.md#alliance-and-catalogue); Guangxi
 * starts with 4.
 */
export const MEMBER_PROVINCES = ['45', '50', '51', '52', '53', '54'] as const;

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
  readonly scope: Scope;
  /** Two-digit province codes where the item is enabled (default: all six members). */
  readonly enabledProvinces: readonly string[];
  readonly provenance?: string;
  /**
   * Set when operators disabled the item: every submission is refused (422 GW_ITEM_DISABLED) with
   * this notice, which portals show their applicants.
   */
  readonly disabledNotice?: string;
}
