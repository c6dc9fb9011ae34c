// The stored shape of a case (gateway/README.md#redis-data-layout: a Redis hash plus a history
// list). Everything the read API returns is derived from this record; nothing else holds case
// state.
import type { CaseStatus } from './case-status.ts';

export interface RouteTarget {
  adapter: string;
  targetRegion: string;
  level: string;
}

export interface HistoryEntry {
  at: string;
  status: CaseStatus;
  actor: string;
  note?: string;
}

export interface CaseFlags {
  warning: boolean;
  overdue: boolean;
  escalated: boolean;
}

export interface CaseRecord {
  id: string;
  status: CaseStatus;
  itemCode: string;
  itemVersion: number;
  mode: string;
  clientId: string;
  receivingRegion: string;
  /** The route of a single case, or of a joint child. */
  route?: RouteTarget;
  /** Joint parents: their children's ids, in party order. */
  children?: string[];
  parentId?: string;
  /** Party role of a joint child. */
  role?: string;
  /** Adapters whose province clients may read the case (its own, or all children's). */
  adapters: string[];
  envelope: unknown;
  createdAt: string;
  updatedAt: string;
  dueAt?: string;
  flags: CaseFlags;
  provinceCaseNo?: string;
  /** Where the portal wants status callbacks (parent or single case only). */
  callbackUrl?: string;
  /** Set while the promised-time clock is stopped (CORRECTION_REQUIRED, SUSPENDED). */
  pausedAt?: string;
  result?: unknown;
}

const JSON_FIELDS = ['route', 'children', 'adapters', 'envelope', 'flags', 'result'] as const;

/** Redis hash fields are strings: JSON for structures, plain text for the rest. */
export function toHash(record: CaseRecord): Record<string, string> {
  const hash: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    hash[key] = (JSON_FIELDS as readonly string[]).includes(key)
      ? JSON.stringify(value)
      : String(value);
  }
  return hash;
}

export function fromHash(hash: Record<string, string>): CaseRecord | undefined {
  if (!hash.id || !hash.status) return undefined;
  const record: Record<string, unknown> = { ...hash, itemVersion: Number(hash.itemVersion) };
  for (const key of JSON_FIELDS) {
    if (hash[key] !== undefined) record[key] = JSON.parse(hash[key]) as unknown;
  }
  return record as unknown as CaseRecord;
}
