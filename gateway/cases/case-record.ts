// The stored shape of a case (gateway/README.md#redis-data-layout: a Redis hash plus a history
// list). Everything the read API returns is derived from this record; nothing else holds case
// state. The submitted envelope is not part of it: it holds personal data, so it is stored sealed
// (encrypted) in a key of its own beside the hash and only the store's openEnvelope decrypts it,
// for the few readers that need it (gateway/README.md#encryption-at-rest). A province's result is
// in the hash, sealed too: the record keeps it as stored and only the store's openResult opens it.
//
// A case is one of three kinds, told apart by what it holds: a single case has a route; a joint
// parent (多地联办) has its children's ids and no route of its own; a joint child has a route, its
// parent's id and its party role. The kind is not stored: fromHash derives it and checks the hash
// against that kind's shape, so code downstream never has to guess (no `route!`).
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import { LEVELS, MODES, type Level, type Mode } from '../catalogue/catalogue-item.ts';
import type { SealedDataProblem } from '../personal-data/sealed-data.ts';
import { CASE_BOARD_FIELDS } from '../shared/redis-keys.ts';
import { STATUS_PHASE, type CaseStatus } from './case-status.ts';
import {
  LEGACY_FAILURE_REASON_FIELD,
  SEALED_FAILURE_REASON_FIELD,
  type StoredFailureReason,
} from './failure-reason.ts';

export interface RouteTarget {
  adapter: string;
  targetRegion: string;
  level: Level;
}

export interface HistoryEntry {
  at: string;
  status: CaseStatus;
  actor: string;
  note?: string;
  /**
   * As stored only: a note from outside the gateway (a province event's), sealed
   * (personal-data/sealed-text.ts); CaseStore.history opens it into `note`.
   */
  sealedNote?: string;
  /** As read only: why the sealed note did not open (the note reads as UNREADABLE_NOTE). */
  unreadableNote?: SealedDataProblem;
}

export interface CaseFlags {
  warning: boolean;
  overdue: boolean;
  escalated: boolean;
}

interface CaseCommon {
  id: string;
  status: CaseStatus;
  itemCode: string;
  itemVersion: number;
  mode: Mode;
  clientId: string;
  receivingRegion: string;
  /** Adapters whose province clients may read the case (its own, or all children's). */
  adapters: string[];
  createdAt: string;
  updatedAt: string;
  dueAt: string;
  flags: CaseFlags;
  provinceCaseNo?: string;
  /** Set while the promised-time clock is stopped (CORRECTION_REQUIRED, SUSPENDED). */
  pausedAt?: string;
  /** The item's 承诺时限 when submitted (working days); the base of the 督办 warning ratio. */
  promisedDays?: number;
  /** Working days the clock stood still so far (补正, 特别程序); dueAt already includes them. */
  pausedDays?: number;
  /** dueAt counted a year without a working-day calendar (Monday to Friday assumed). */
  calendarAssumed?: boolean;
  /**
   * The province's result as stored, sealed (gateway/README.md#encryption-at-rest): only
   * CaseStore.openResult reads it, for the readers that show it (a case read, a callback).
   */
  storedResult?: StoredResult;
  /**
   * Why delivery failed for good (DELIVERY_FAILED), for the dead-letter list, as stored: sealed
   * (cases/failure-reason.ts), or in clear from before reasons were sealed. Only
   * CaseStore.failureReason opens it, for the dead-letter list and page.
   */
  storedFailureReason?: StoredFailureReason;
  /** The earlier case of the same portal this one resubmits (the envelope's relatedCaseId). */
  relatedCaseId?: string;
  /** Later cases of the same portal that name this one in relatedCaseId, oldest first. */
  followUps?: string[];
}

export interface SingleCase extends CaseCommon {
  kind: 'single';
  route: RouteTarget;
  /** Where the portal wants status callbacks. */
  callbackUrl?: string;
}

export interface JointParentCase extends CaseCommon {
  kind: 'joint-parent';
  /** The children's ids, in party order. */
  children: string[];
  callbackUrl?: string;
}

export interface JointChildCase extends CaseCommon {
  kind: 'joint-child';
  route: RouteTarget;
  parentId: string;
  /** Party role. */
  role: string;
}

export type CaseRecord = SingleCase | JointParentCase | JointChildCase;
/** A case a province receives: a single case or a joint child. */
export type RoutedCase = SingleCase | JointChildCase;

const JSON_FIELDS = ['route', 'children', 'adapters', 'flags', 'followUps'] as const;

/** A case's result as its hash holds it (cases/stored-result.ts opens it). */
export type StoredResult =
  | { readonly sealed: string }
  /** Stored before results were sealed: the JSON the province sent. */
  | { readonly legacyJson: string };

/** The case hash field of a sealed result: base64 of the sealed bytes (cases/stored-result.ts). */
export const SEALED_RESULT_FIELD = 'sealedResult';
/** The case hash field where a result stored before results were sealed keeps its JSON. */
export const LEGACY_RESULT_FIELD = 'result';

/**
 * The hash field where a case stored before the envelope had a key of its own keeps its sealed
 * envelope (bytes): never in the record.
 */
export const LEGACY_ENVELOPE_FIELD = 'envelope';
const NUMBER_FIELDS = ['promisedDays', 'pausedDays'] as const;

const NO_FLAGS: CaseFlags = { warning: false, overdue: false, escalated: false };

/**
 * A new case's hash fields. Redis hash fields are strings: JSON for structures, plain text for the
 * rest. What the record says elsewhere is not stored (gateway/README.md#lean-records): the kind
 * (derived), the id (the key names it), updatedAt while it is createdAt, a routed case's adapters
 * (its route's) and flags while none is raised; fromHash puts them back.
 */
export function toHash(record: CaseRecord): Record<string, string> {
  // Fields left out are skipped as they come rather than deleted afterwards: the same fields in the
  // same order, without a [key, value] pair per field or an object turned to dictionary mode by
  // delete (this runs for every case a submission creates and every case rewritten).
  const sameUpdate = record.updatedAt === record.createdAt;
  const routed = record.kind !== 'joint-parent';
  const ownAdapter = routed ? record.route.adapter : undefined;
  const noFlags = !record.flags.warning && !record.flags.overdue && !record.flags.escalated;
  const fields = record as unknown as Record<string, unknown>;
  const hash: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined || key === 'kind' || key === 'id') continue;
    if (key === 'updatedAt' && sameUpdate) continue;
    if (key === 'flags' && noFlags) continue;
    if (key === 'adapters' && routed && onlyAdapter(value, ownAdapter)) continue;
    if (key === 'storedResult') {
      const stored = value as StoredResult;
      if ('sealed' in stored) hash[SEALED_RESULT_FIELD] = stored.sealed;
      else hash[LEGACY_RESULT_FIELD] = stored.legacyJson;
      continue;
    }
    if (key === 'storedFailureReason') {
      const stored = value as StoredFailureReason;
      if ('sealed' in stored) hash[SEALED_FAILURE_REASON_FIELD] = stored.sealed;
      else hash[LEGACY_FAILURE_REASON_FIELD] = stored.clear;
      continue;
    }
    hash[key] = (JSON_FIELDS as readonly string[]).includes(key)
      ? JSON.stringify(value)
      : plainText(value as PlainField);
  }
  return hash;
}

/** The fields not stored as JSON: text, numbers and booleans (typed so String() is safe). */
type PlainField = string | number | boolean;

function plainText(value: PlainField): string {
  return String(value);
}

/** Whether `adapters` is `[adapter]`, the route's own, left out of the hash (fromHash puts it back). */
function onlyAdapter(adapters: unknown, adapter: string | undefined): boolean {
  return Array.isArray(adapters) && adapters.length === 1 && adapters[0] === adapter;
}

const text = { type: 'string', minLength: 1 } as const;
const COMMON = {
  id: text,
  status: { enum: Object.keys(STATUS_PHASE) },
  itemCode: text,
  itemVersion: { type: 'integer', minimum: 1 },
  mode: { enum: MODES },
  clientId: text,
  receivingRegion: text,
  adapters: { type: 'array', items: text, minItems: 1 },
  createdAt: text,
  updatedAt: text,
  dueAt: text,
  flags: {
    type: 'object',
    required: ['warning', 'overdue', 'escalated'],
    properties: {
      warning: { type: 'boolean' },
      overdue: { type: 'boolean' },
      escalated: { type: 'boolean' },
    },
  },
  provinceCaseNo: { type: 'string' },
  pausedAt: { type: 'string' },
  promisedDays: { type: 'integer', minimum: 0 },
  pausedDays: { type: 'integer', minimum: 0 },
  calendarAssumed: { type: 'boolean' },
  storedResult: { type: 'object' },
  storedFailureReason: { type: 'object' },
  callbackUrl: { type: 'string' },
  relatedCaseId: text,
  followUps: { type: 'array', items: text },
} as const;
const COMMON_REQUIRED = [
  'id',
  'status',
  'itemCode',
  'itemVersion',
  'mode',
  'clientId',
  'receivingRegion',
  'adapters',
  'createdAt',
  'updatedAt',
  'dueAt',
  'flags',
];
const ROUTE = {
  type: 'object',
  required: ['adapter', 'targetRegion', 'level'],
  properties: { adapter: text, targetRegion: text, level: { enum: LEVELS } },
} as const;

// Unknown fields are tolerated (a newer gateway may add some during a rolling upgrade). Compiled at
// the first case read, not at import: a process that imports this module and reads no case (the
// CLI, through its imports) spent ~90 ms compiling them at each run.
let validators: ReturnType<typeof compileValidators> | undefined;
function compileValidators() {
  const ajv = new SharedMetaAjv({ allErrors: true, strict: false });
  return {
    single: ajv.compile<SingleCase>({
      type: 'object',
      required: [...COMMON_REQUIRED, 'kind', 'route'],
      properties: { ...COMMON, kind: { const: 'single' }, route: ROUTE },
    }),
    jointParent: ajv.compile<JointParentCase>({
      type: 'object',
      required: [...COMMON_REQUIRED, 'kind', 'children'],
      properties: {
        ...COMMON,
        kind: { const: 'joint-parent' },
        children: { type: 'array', items: text, minItems: 1 },
      },
      not: { required: ['route'] },
    }),
    jointChild: ajv.compile<JointChildCase>({
      type: 'object',
      required: [...COMMON_REQUIRED, 'kind', 'route', 'parentId', 'role'],
      properties: {
        ...COMMON,
        kind: { const: 'joint-child' },
        route: ROUTE,
        parentId: text,
        role: text,
      },
    }),
  };
}
function caseValidators(): ReturnType<typeof compileValidators> {
  validators ??= compileValidators();
  return validators;
}

/** A stored case whose hash does not have the shape of any kind: a fault, never input. */
export class CorruptCaseError extends Error {
  override name = 'CorruptCaseError';
}

/**
 * The note of the last move applied to a case (its id and the status it moved from), by which
 * the scripts that move a case (transition-case.lua, and follow-parent.lua for a joint parent)
 * know the same call run again (cases/scripts/last-move.lua): the store's bookkeeping, never the
 * record.
 */
export const LAST_MOVE_FIELD = 'lastMove';

/** Case `id` in its Redis hash; undefined when there is none (no status stored). */
export function fromHash(hash: Record<string, string>, id: string): CaseRecord | undefined {
  if (!hash.status) return undefined;
  const {
    [LAST_MOVE_FIELD]: _lastMove,
    [LEGACY_ENVELOPE_FIELD]: _sealed,
    [SEALED_RESULT_FIELD]: sealedResult,
    [LEGACY_RESULT_FIELD]: legacyResult,
    [SEALED_FAILURE_REASON_FIELD]: sealedFailureReason,
    [LEGACY_FAILURE_REASON_FIELD]: clearFailureReason,
    ...fields
  } = hash;
  // The 督办 board's own fields of the case (supervision/supervision-board.ts): never the record.
  for (const key of Object.keys(fields)) {
    if (key.startsWith(CASE_BOARD_FIELDS)) delete fields[key];
  }
  // A case stored before lean records keeps its id, updatedAt, adapters and flags in its hash.
  const parsed: Record<string, unknown> = {
    updatedAt: hash.createdAt,
    ...fields,
    id,
    itemVersion: Number(hash.itemVersion),
  };
  for (const key of NUMBER_FIELDS) if (hash[key] !== undefined) parsed[key] = Number(hash[key]);
  if (hash.calendarAssumed !== undefined) parsed.calendarAssumed = hash.calendarAssumed === 'true';
  // Kept as stored, opened only by its readers. A sealed result wins over a legacy one beside it
  // (the move that sealed it set the legacy field to JSON null).
  if (sealedResult !== undefined) parsed.storedResult = { sealed: sealedResult };
  else if (legacyResult !== undefined) parsed.storedResult = { legacyJson: legacyResult };
  // Likewise a failure reason; a clear one blanked by a later failure ('') is none.
  if (sealedFailureReason !== undefined) {
    parsed.storedFailureReason = { sealed: sealedFailureReason };
  } else if (clearFailureReason) {
    parsed.storedFailureReason = { clear: clearFailureReason };
  }
  try {
    for (const key of JSON_FIELDS) {
      if (hash[key] !== undefined) parsed[key] = JSON.parse(hash[key]) as unknown;
    }
  } catch (error) {
    throw new CorruptCaseError(`case ${id}: a JSON field does not parse`, { cause: error });
  }
  // Left out while they say nothing (toHash): no flag raised, a routed case's one adapter.
  const { flags, route } = parsed;
  if (flags === undefined) parsed.flags = NO_FLAGS;
  else if (typeof flags === 'object' && flags !== null) parsed.flags = { ...NO_FLAGS, ...flags };
  const adapter = (route as { adapter?: unknown } | undefined)?.adapter;
  if (parsed.adapters === undefined && typeof adapter === 'string') parsed.adapters = [adapter];
  // A resumed case keeps pausedAt as '' (the transition script only sets fields): not paused.
  if (parsed.pausedAt === '') delete parsed.pausedAt;
  const record =
    'children' in parsed
      ? checked(caseValidators().jointParent, { ...parsed, kind: 'joint-parent' })
      : 'parentId' in parsed
        ? checked(caseValidators().jointChild, { ...parsed, kind: 'joint-child' })
        : checked(caseValidators().single, { ...parsed, kind: 'single' });
  const { warning, overdue, escalated } = record.flags;
  // Rebuilt in a fixed order: the flag script re-encodes the object and may reorder its keys.
  return { ...record, flags: { warning, overdue, escalated } };
}

function checked<T extends CaseRecord>(
  validate: ValidateFunction<T>,
  value: Record<string, unknown>,
): T {
  if (validate(value)) return value;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new CorruptCaseError(
    `case ${String(value.id)} is not a valid ${String(value.kind)}: ${problems.join('; ')}`,
  );
}
