// What a move of a case is (gateway/README.md#case-store): how a mover describes it, what the case
// store answers, and what transition listeners hear once it is stored. planMove turns a row of the
// lifecycle table and the mover's step into what transition-case.lua applies, and transitionCall
// into the script's KEYS and ARGV.
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseRecord, HistoryEntry } from './case-record.ts';
import type { CaseStatus } from './case-status.ts';
import { indexCall } from './dead-letter-index.ts';
import type { FailureKindKey } from './failure-kind.ts';
import { familyKeys, PARENT_RULE_JSON, type JointFamily } from './joint-parent.ts';
import { AWAITING_PROVINCE, LIFECYCLE, type MoveName } from './lifecycle.ts';

/** An applied move, as transition listeners hear of it. */
export interface TransitionNotice {
  /** The case as it was read before the move. */
  record: CaseRecord;
  move: MoveName;
  previous: CaseStatus;
  status: CaseStatus;
  /** Fields the move wrote besides status and updatedAt. */
  fields: Readonly<Record<string, string>>;
  /** History length after the move: orders callbacks that arrive out of order. */
  sequence: number;
  /** When the store recorded the move (its clock). */
  at: string;
  /**
   * The case's result after the move, in clear: the one this move wrote, else the one stored
   * before, opened (it is sealed at rest: gateway/README.md#encryption-at-rest); undefined when it
   * has none. Opened only when asked, so a listener that does not need it never decrypts. Throws
   * SealedDataError when the stored one does not open here.
   */
  result(): unknown;
}

/**
 * Runs after a move is stored. One that must never fail the move catches its own errors; one whose
 * work can wait for the reconciler throws ListenerDeferred (shared/listener-deferred.ts): the move
 * does not fail, and its outbox entry stays until a later telling succeeds.
 */
export type TransitionListener = (notice: TransitionNotice) => Promise<void>;

/** How a mover describes its move; the row of the lifecycle table says what is allowed. */
export interface MoveStep {
  /** The client, worker or operator recorded in the history. */
  actor: string;
  /** When it happened, for the history (a province event's own time); default: now. */
  at?: string;
  /** The history note of the move's own status. */
  note?: string;
  /**
   * `note` came from outside the gateway (a province event's note) and may hold personal data:
   * the store seals it at rest (gateway/README.md#encryption-at-rest).
   */
  sealNote?: boolean;
  /** The history note of the `via` status. */
  viaNote?: string;
  /** For a row with several targets: the one this move takes. */
  to?: CaseStatus;
  /**
   * Only if the case is still in this status: a mover that computed its target or its fields from
   * the record it read must not move a case someone else has moved meanwhile. A status outside the
   * row can never apply: the store answers as it finds the case (a repeated event `duplicate`,
   * else `illegal` with its status), so a mover that read a status the row does not allow still
   * learns which.
   */
  from?: CaseStatus;
  /**
   * Fields to set besides status and updatedAt (never the result or a failure reason: see
   * `result` and `failureReason`).
   */
  fields?: Record<string, string>;
  /** The province's result (an event's): the store seals it into the case hash. */
  result?: unknown;
  /**
   * Why delivery failed for good (the delivery-failed move's): the store seals it into the case
   * hash (cases/failure-reason.ts).
   */
  failureReason?: string;
  /** A province event's content digest: the same event is applied once. */
  digest?: string;
}

export type MoveOutcome =
  | { ok: true; previous: CaseStatus; status: CaseStatus }
  | { ok: false; reason: 'illegal' | 'duplicate'; current: CaseStatus }
  | { ok: false; reason: 'missing' };

export interface PlannedMove {
  /** Statuses the case may be in for the move to apply. */
  from: readonly CaseStatus[];
  /** The status it ends in. */
  status: CaseStatus;
  entries: HistoryEntry[];
  fields: Readonly<Record<string, string>>;
  deadLetter: 'add' | 'remove' | '';
  /**
   * The kind of the failure reason this move seals (failureKindOf of the reason in clear, set by
   * the store as it seals it): the dead-letter index the case joins. Absent: `other`.
   */
  failureKind?: FailureKindKey;
}

/**
 * The move `step` describes, as transition-case.lua applies it. `sealNote` seals the entry's note
 * of a step with `sealNote` (the case store's); without it such a step is refused, never stored in
 * clear.
 */
export function planMove(
  name: MoveName,
  step: MoveStep,
  now: Date,
  sealNote?: (entry: HistoryEntry) => HistoryEntry,
): PlannedMove {
  const row = LIFECYCLE[name];
  const to = pick(name, row.to, step.to);
  const at = step.at ?? now.toISOString();
  const entries: HistoryEntry[] = [];
  if ('via' in row) entries.push(entry(at, row.via, step.actor, step.viaNote));
  const own = entry(at, to, step.actor, step.note);
  if (step.sealNote && own.note !== undefined && !sealNote) {
    throw new Error(`move ${name}: its note is to be sealed, and no sealer was given`);
  }
  entries.push(step.sealNote && sealNote ? sealNote(own) : own);
  // What follows at once is the gateway's own bookkeeping.
  if ('then' in row) entries.push(entry(at, row.then, 'gateway', 'loop closed'));
  return {
    from: step.from ? row.from.filter((status) => status === step.from) : row.from,
    status: 'then' in row ? row.then : to,
    entries,
    fields: step.fields ?? {},
    deadLetter: 'deadLetter' in row ? row.deadLetter : '',
  };
}

function entry(at: string, status: CaseStatus, actor: string, note?: string): HistoryEntry {
  return { at, status, actor, ...(note ? { note } : {}) };
}

/** The row's target, or the mover's pick among the row's; a pick outside them is a bug. */
function pick(
  name: MoveName,
  allowed: CaseStatus | readonly CaseStatus[],
  picked: CaseStatus | undefined,
): CaseStatus {
  if (typeof allowed === 'string' && (picked === undefined || picked === allowed)) return allowed;
  if (typeof allowed !== 'string' && picked && allowed.includes(picked)) return picked;
  throw new Error(`move ${name}: to ${String(picked)} is not in its row`);
}

export interface TransitionContext {
  keys: RedisKeys;
  record: CaseRecord;
  /** The move's name: its move outbox entry names it. */
  move: MoveName;
  /** A joint child's family: its parent follows in the same step. */
  family?: JointFamily;
  now: Date;
  digest?: string;
  /** This call's own id: the same call run twice changes nothing the second time. */
  moveId: string;
  /** Seconds a closed case's keys are kept (GW_CASE_RETENTION_DAYS), 0 for ever. */
  retentionSeconds: number;
}

/** transition-case.lua's KEYS and ARGV for a planned move (see the script's header). */
export function transitionCall(
  plan: PlannedMove,
  context: TransitionContext,
): { keys: string[]; args: (string | number)[] } {
  const { keys, record, family, now, retentionSeconds } = context;
  const id = record.id;
  // A case a province holds is watched for silence while it owes us news
  // (gateway/README.md#silence-reconciliation); a joint parent has no province of its own.
  const watched = record.kind === 'joint-parent' ? undefined : record.route.adapter;
  const silence = watched ? (AWAITING_PROVINCE.has(plan.status) ? 'watch' : 'forget') : '';
  // The province's case number, reported with this move or known before: indexed for operators
  // who have only that number (a case of an older version gets its entry with its next move).
  const provinceCaseNo =
    record.kind === 'joint-parent'
      ? undefined
      : (plan.fields.provinceCaseNo ?? record.provinceCaseNo);
  // The dead-letter index changes with the list (gateway/README.md#dead-letters). Only a routed
  // case ever joins the list: a joint parent has no adapter of its own to be counted under.
  const index =
    plan.deadLetter && record.kind !== 'joint-parent'
      ? indexCall(keys.shardOf(id), record.route.adapter, plan.deadLetter, plan.failureKind)
      : undefined;
  return {
    keys: [
      keys.case(id),
      keys.history(id),
      keys.events(id),
      // A joint child has none (it reads its parent's): expiring a missing key does nothing.
      keys.envelope(id),
      keys.shardOf(id).deadLetters,
      keys.shardOf(id).moveOutbox,
      ...(watched ? [keys.shardOf(id).provinceSilence(watched)] : []),
      ...(index ? index.keys : []),
      ...(family ? familyKeys(keys, family) : []),
      ...(provinceCaseNo ? [keys.shardOf(id).provinceCase(provinceCaseNo)] : []),
    ],
    args: [
      plan.from.join(','),
      plan.status,
      JSON.stringify(plan.entries.map((e) => JSON.stringify(e))),
      JSON.stringify(plan.fields),
      id,
      now.toISOString(),
      context.digest ?? '',
      plan.deadLetter,
      now.getTime(),
      plan.status === 'CLOSED' ? retentionSeconds : 0,
      silence,
      ...(family ? [PARENT_RULE_JSON, retentionSeconds] : ['', 0]),
      context.moveId,
      context.move,
      family?.parentId ?? '',
      // The system clock, not the store's (a test's may run years ahead): the reconciler compares
      // the move outbox entry's score with its own.
      Date.now(),
      provinceCaseNo ? '1' : '',
      index ? index.kind : '',
    ],
  };
}
