// The stored shape of a rectification (a hash plus a history list in the owner province's slot,
// gateway/README.md#redis-data-layout). Free text from outside (a clerk's notes, the re-rating
// comment) is sealed at rest (gateway/README.md#encryption-at-rest), opened by the store and
// masked when shown.
import type { RatedParty } from '../evaluations/evaluation.ts';
import type { SealedDataProblem } from '../personal-data/sealed-data.ts';
import type { SupervisionFlag } from '../shared/redis-keys.ts';
import type { RectificationStatus } from './rectification-lifecycle.ts';

export interface Rectification {
  id: string;
  /** The owner: the rated party's province. */
  province: string;
  caseId: string;
  evaluationId: string;
  rated: RatedParty;
  itemCode: string;
  /** The portal of the case: it re-rates and receives the callbacks. */
  clientId: string;
  callbackUrl?: string;
  /** The 差评's level (1 or 2). */
  level: number;
  status: RectificationStatus;
  openedAt: string;
  /** China date of the 差评: the statistics bucket its counters move in. */
  openedDate: string;
  visitDueAt: string;
  dueAt: string;
  /** Working days given to rectify: the base of the 督办 warning ratio. */
  promisedDays: number;
  flags: Record<SupervisionFlag, boolean>;
  pausedAt?: string;
  pausedDays: number;
  /** Where an appeal came from, to go back there when it is rejected. */
  appealedFrom?: RectificationStatus;
  /** When the last appeal was made: it names the appeal its decision answers. */
  appealedAt?: string;
  visitedAt?: string;
  /**
   * When the re-rating window of a RECTIFIED or EXPLAINED one ends (`reRatingWindowDays` natural
   * days after the move), set by the move that opened it: then 基本满意 by default.
   */
  reRatingDueAt?: string;
  reRating?: ReRatingRecord;
  calendarAssumed?: boolean;
  updatedAt: string;
}

/**
 * The re-rating that closed it: the portal's for its applicant, or 基本满意 by default when its
 * window ended without one (gateway/rectifications/default-re-ratings.ts). Stored before the
 * default existed, it has no `source`: the portal's.
 */
export interface ReRatingRecord {
  level: number;
  at: string;
  comment?: string;
  source?: 'applicant' | 'default';
}

export interface RectificationHistoryEntry {
  at: string;
  status: RectificationStatus;
  actor: string;
  note?: string;
  /** As stored only: a clerk's note, sealed; RectificationStore.history opens it into `note`. */
  sealedNote?: string;
  /** As read only: why the sealed note did not open (the note reads as UNREADABLE_NOTE). */
  unreadableNote?: SealedDataProblem;
}

const JSON_FIELDS = ['flags', 'reRating'] as const;
const NUMBER_FIELDS = ['level', 'promisedDays', 'pausedDays'] as const;

export function rectificationToHash(r: Rectification): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [key, value] of Object.entries(r)) {
    if (value === undefined) continue;
    hash[key] = (JSON_FIELDS as readonly string[]).includes(key)
      ? JSON.stringify(value)
      : String(value);
  }
  return hash;
}

export function rectificationFromHash(hash: Record<string, string>): Rectification | undefined {
  if (!hash.id || !hash.status) return undefined;
  const parsed: Record<string, unknown> = { ...hash };
  for (const key of JSON_FIELDS) if (hash[key]) parsed[key] = JSON.parse(hash[key]) as unknown;
  for (const key of NUMBER_FIELDS) parsed[key] = Number(hash[key] ?? 0);
  parsed.calendarAssumed = hash.calendarAssumed === 'true';
  for (const key of [
    'pausedAt',
    'appealedFrom',
    'appealedAt',
    'visitedAt',
    'callbackUrl',
    'reRatingDueAt',
  ])
    if (parsed[key] === '') delete parsed[key];
  return parsed as unknown as Rectification;
}

/** Rectification ids: `RC<province><ULID>`, so the id names its slot and sorts by time. */
export const RECTIFICATION_ID = /^RC(\d{2})([0-9A-HJKMNP-TV-Z]{26})$/;

export function rectificationId(province: string, ulid: string): string {
  return `RC${province}${ulid}`;
}

/** The owner province of an id, or undefined for a malformed one. */
export function provinceOfRectification(id: string): string | undefined {
  return RECTIFICATION_ID.exec(id)?.[1];
}
