// The sealed records, walked for a data key's retirement (gateway/README.md#key-rotation): each
// case's envelope, result and delivery failure reason, the applicants' evaluation and re-rating
// comments, and the sealed notes of case and rectification histories (a province's, a clerk's, a
// failed delivery's). A census of
// the key each is sealed under (read from the sealed header, never opened), and the re-seal that
// opens those under any other key, or a result or failure reason still in clear, and seals them
// again under the
// current one. Both go over every case, evaluation and rectification hash in pages of a SCAN of
// each Redis (each master of a Cluster), so one request does bounded work and the caller follows
// the cursor; like SCAN, a case present from the first page to the last is seen at least once (a
// count can include one twice while Redis rehashes), and one stored meanwhile is sealed under the
// current key anyway. Part of the case store, which owns the case keys: the re-seal writes through
// one compare-and-set per case (reseal-case.lua) or comment (reseal-field.lua), so a move, a
// result or a re-rating written between its read and its write is never overwritten; it reads
// again, at most RESEAL_ATTEMPTS times. A record that does not open (its key not listed, its bytes
// changed) is reported and left as it is. (A comment is the one field the re-seal writes in a
// rating slot's hash: its value sealed again, in the same context, as the evaluation and
// rectification stores seal it. A sealed note is re-sealed through reseal-list-entry.lua, a
// compare-and-set of its one list entry, sealed again in its entry's context. A status callback's
// job holds its case's result sealed (callbacks/callback-result.ts) for as long as the job is kept,
// 7 days when it failed for good: the job's hash, in the callbacks queue's keys, is walked with
// the others, and its `data` re-sealed through reseal-field.lua, so a key still needed to post a
// failed callback again is counted as needed. A job the previous version queued holds the result
// in clear as `result`: counted apart, and sealed in place through the same script.)
import { Cluster, type Redis } from 'ioredis';
import type { DataKeyRing } from '../personal-data/data-keys.ts';
import {
  SealedDataError,
  sealedKeyId,
  type SealedDataProblem,
  type Sealer,
} from '../personal-data/sealed-data.ts';
import { noteContext, type StoredNoteEntry } from '../personal-data/sealed-text.ts';
import { runScript } from '../shared/lua-script.ts';
import { sendToNode } from '../shared/command-timeout.ts';
import { commandTimeoutOf, type RedisClient } from '../shared/redis.ts';
import { CALLBACK_QUEUE, type RedisKeys } from '../shared/redis-keys.ts';
import { resealCallbackResult, sealCallbackResult } from '../callbacks/callback-result.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import {
  CorruptCaseError,
  LEGACY_ENVELOPE_FIELD,
  LEGACY_RESULT_FIELD,
  SEALED_RESULT_FIELD,
} from './case-record.ts';
import {
  LEGACY_FAILURE_REASON_FIELD,
  resealFailureReason,
  SEALED_FAILURE_REASON_FIELD,
} from './failure-reason.ts';
import { openStoredResult, sealResult } from './stored-result.ts';

/** How often a case's re-seal reads again after a concurrent write changed what it read. */
export const RESEAL_ATTEMPTS = 3;
/** What a census counts a record under when its bytes name no key (not sealed data). */
export const UNRECOGNISED = '(unrecognised)';

/** Where a walk is: the index of the Redis (a Cluster's masters by address) and its SCAN cursor. */
export interface WalkPosition {
  node: number;
  scan: string;
}

/** One page of the census: counts of this page's cases, by key id. */
export interface CensusPage {
  currentKeyId: string;
  listedKeyIds: readonly string[];
  cases: number;
  envelopes: Record<string, number>;
  results: Record<string, number>;
  /** Results stored in clear before results were sealed. */
  clearResults: number;
  /** Evaluation and re-rating comments. */
  comments: Record<string, number>;
  /** Sealed notes of case and rectification histories. */
  notes: Record<string, number>;
  /** Delivery failure reasons of dead letters (and of cases replayed since). */
  failureReasons: Record<string, number>;
  /** Failure reasons stored in clear before failure reasons were sealed. */
  clearFailureReasons: number;
  /** Case results sealed in status callbacks' jobs (queued, retrying or failed for good). */
  callbackResults: Record<string, number>;
  /** Callback jobs a gateway of the previous version queued, the result in clear in their data. */
  clearCallbackResults: number;
  next: WalkPosition | null;
}

export type SealedRecordKind =
  | 'envelope'
  | 'result'
  | 'failure-reason'
  | 'evaluation-comment'
  | 're-rating-comment'
  | 'history-note'
  | 'callback-result';

export interface UnreadableRecord {
  /**
   * The case id; a rectification's id for its re-rating comment or its history's note; a
   * callback's job id (as `failed-callbacks list` shows it) for its result.
   */
  id: string;
  record: SealedRecordKind;
  problem: SealedDataProblem | 'corrupt';
  /** The key its header names (never key material). */
  keyId?: string;
}

/** One page of the re-seal. */
export interface ResealPage {
  currentKeyId: string;
  cases: number;
  resealed: {
    envelopes: number;
    results: number;
    comments: number;
    notes: number;
    failureReasons: number;
    callbackResults: number;
  };
  /** Clear results sealed. */
  sealedClearResults: number;
  /** Failure reasons stored in clear, sealed. */
  sealedClearFailureReasons: number;
  /** Results in clear in callback jobs of the previous version, sealed. */
  sealedClearCallbackResults: number;
  /** Left as they are: not opened here. */
  unreadable: UnreadableRecord[];
  /** Cases (or rectifications) whose records kept changing under the re-seal: run it again. */
  changed: string[];
  next: WalkPosition | null;
}

/** A re-seal's counts before anything is re-sealed: a page's start, and a sum's (admin/data-keys). */
export function emptyResealCounts(currentKeyId: string): Omit<ResealPage, 'next'> {
  return {
    currentKeyId,
    cases: 0,
    resealed: {
      envelopes: 0,
      results: 0,
      comments: 0,
      notes: 0,
      failureReasons: 0,
      callbackResults: 0,
    },
    sealedClearResults: 0,
    sealedClearFailureReasons: 0,
    sealedClearCallbackResults: 0,
    unreadable: [],
    changed: [],
  };
}

/** What a case stores sealed (or, for an old result, in clear), as read. */
export interface StoredSeals {
  caseId: string;
  envelope?: Buffer;
  /** A case stored before the envelope had its own key keeps it in its hash. */
  legacyEnvelope?: Buffer;
  sealedResult?: string;
  clearResult?: string;
  sealedFailureReason?: string;
  clearFailureReason?: string;
}

/** The replacement of a case's records; only the ones named are compared and written. */
export interface ResealWrite {
  envelope?: { read: Buffer; sealed: Buffer };
  legacyEnvelope?: { read: Buffer; sealed: Buffer };
  sealedResult?: { read: string; sealed: string };
  clearResult?: { read: string; sealed: string };
  sealedFailureReason?: { read: string; sealed: string };
  clearFailureReason?: { read: string; sealed: string };
}

/** Where a comment is sealed: the hash, its field, the context it is sealed in, whose it is. */
interface CommentAt {
  key: string;
  field: 'comment' | 'reRating';
  context: string;
  id: string;
}

/** A status callback's job hash (BullMQ's), which may hold a sealed result, and its job id. */
interface CallbackJobAt {
  key: string;
  id: string;
}

/**
 * A callback job's `data` as read, with its result's context, and its sealed result — or none: a
 * job the previous version queued holds it in clear as `result` (its first run seals it, but one
 * failed for good before the upgrade keeps it in clear until replayed or its 7 days pass).
 */
interface StoredCallback {
  raw: string;
  data: { caseId: string; sequence: number } & Record<string, unknown>;
  sealedResult?: string;
}

/** A history list that may hold sealed notes, and whose it is (the notes' context). */
interface NotesAt {
  key: string;
  ownerId: string;
}

export interface SealedRecordsDeps {
  redis: RedisClient;
  keys: RedisKeys;
  sealer: Sealer;
  ring: DataKeyRing;
}

export class SealedRecords {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;
  readonly #ring: DataKeyRing;
  readonly #caseKey: RegExp;
  readonly #evaluationKey: RegExp;
  readonly #rectificationKey: RegExp;
  readonly #callbackJobKey: RegExp;

  constructor(deps: SealedRecordsDeps) {
    this.#redis = deps.redis;
    this.#keys = deps.keys;
    this.#sealer = deps.sealer;
    this.#ring = deps.ring;
    const prefix = escapeRegExp(deps.keys.prefix);
    this.#caseKey = new RegExp(`^${prefix}:\\{s\\d+\\}:case:([^:]+)$`);
    this.#evaluationKey = new RegExp(`^${prefix}:\\{rating:[^}]+\\}:(evaluation:[^:]+:[^:]+)$`);
    this.#rectificationKey = new RegExp(`^${prefix}:\\{rating:([^}]+)\\}:rect:([^:]+)$`);
    // BullMQ's job hash: `<queue prefix>:<queue>:<job id>` (its other hashes: `…:meta`).
    const callbacks = escapeRegExp(`${deps.keys.queuePrefix(CALLBACK_QUEUE)}:${CALLBACK_QUEUE}:`);
    this.#callbackJobKey = new RegExp(`^${callbacks}((?!meta$)[^:]+)$`);
  }

  get currentKeyId(): string {
    return this.#ring.current.id;
  }

  /** The key ids this gateway opens records under (GW_DATA_KEYS), current first. */
  get listedKeyIds(): readonly string[] {
    return this.#ring.ids;
  }

  /** Counts the keys the records of the next page are sealed under. */
  async census(from: WalkPosition | undefined, limit: number): Promise<CensusPage> {
    const { ids, comments, notes, callbacks, next } = await this.#page(from, limit);
    const [stored, sealedComments, histories, callbackData] = await Promise.all([
      Promise.all(ids.map((id) => this.read(id))),
      Promise.all(comments.map((c) => this.#readComment(c))),
      Promise.all(notes.map((n) => this.#readNotes(n))),
      Promise.all(callbacks.map((c) => this.#readCallback(c))),
    ]);
    const page: CensusPage = {
      currentKeyId: this.#ring.current.id,
      listedKeyIds: this.#ring.ids,
      cases: ids.length,
      envelopes: {},
      results: {},
      clearResults: 0,
      comments: {},
      notes: {},
      failureReasons: {},
      clearFailureReasons: 0,
      callbackResults: {},
      clearCallbackResults: 0,
      next,
    };
    const count = (into: Record<string, number>, id: string | undefined) => {
      const key = id ?? UNRECOGNISED;
      into[key] = (into[key] ?? 0) + 1;
    };
    for (const s of stored) {
      for (const envelope of [s.envelope, s.legacyEnvelope]) {
        if (envelope) count(page.envelopes, sealedKeyId(envelope));
      }
      if (s.sealedResult !== undefined) count(page.results, base64KeyId(s.sealedResult));
      if (s.clearResult !== undefined) page.clearResults += 1;
      if (s.sealedFailureReason !== undefined) {
        count(page.failureReasons, base64KeyId(s.sealedFailureReason));
      }
      if (s.clearFailureReason !== undefined) page.clearFailureReasons += 1;
    }
    for (const c of sealedComments) if (c) count(page.comments, base64KeyId(c.sealed));
    for (const history of histories) {
      for (const { entry } of history) count(page.notes, base64KeyId(entry.sealedNote));
    }
    for (const c of callbackData) {
      if (c?.sealedResult !== undefined) count(page.callbackResults, base64KeyId(c.sealedResult));
      else if (c) page.clearCallbackResults += 1;
    }
    return page;
  }

  /** Re-seals under the current key what the next page holds under another key, or in clear. */
  async reseal(from: WalkPosition | undefined, limit: number): Promise<ResealPage> {
    const { ids, comments, notes, callbacks, next } = await this.#page(from, limit);
    const page: ResealPage = {
      ...emptyResealCounts(this.#ring.current.id),
      cases: ids.length,
      next,
    };
    for (const id of ids) await this.#resealCase(id, page);
    for (const comment of comments) await this.#resealComment(comment, page);
    for (const history of notes) await this.#resealNotes(history, page);
    for (const callback of callbacks) await this.#resealCallback(callback, page);
    return page;
  }

  /**
   * A callback job's `data` as stored, when it holds a result, sealed or in clear (an event's
   * holds none).
   */
  async #readCallback(at: CallbackJobAt): Promise<StoredCallback | undefined> {
    const raw = await this.#redis.hget(at.key, 'data');
    // Cheap before a parse: event callbacks hold neither.
    if (raw === null || !(raw.includes('"sealedResult"') || raw.includes('"result"'))) {
      return undefined;
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return undefined; // not a job the callback queue wrote: nothing sealed to count or re-seal
    }
    const { caseId, sequence, sealedResult } = data;
    if (typeof caseId !== 'string' || typeof sequence !== 'number') return undefined;
    if (typeof sealedResult === 'string') {
      return { raw, data: { ...data, caseId, sequence }, sealedResult };
    }
    // As the worker reads it (callback-worker.ts): a sealed result wins, an event's `body` holds
    // none of its own, and a status job's clear result is its `result`.
    if (sealedResult !== undefined || 'body' in data || !('result' in data)) return undefined;
    return { raw, data: { ...data, caseId, sequence } };
  }

  /**
   * Re-seals one callback job's result not under the current key, or seals one in clear, its
   * `result` removed (reseal-field.lua on `data`).
   */
  async #resealCallback(at: CallbackJobAt, page: ResealPage): Promise<void> {
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const stored = await this.#readCallback(at);
      if (!stored) return;
      if (stored.sealedResult === undefined) {
        const { result, ...rest } = stored.data;
        const sealedResult = sealCallbackResult(this.#sealer, stored.data, result);
        const verdict = await runScript(
          this.#redis,
          CASE_SCRIPTS.resealField,
          [at.key],
          ['data', stored.raw, JSON.stringify({ ...rest, sealedResult })],
        );
        if (verdict === 'ok') {
          page.sealedClearCallbackResults += 1;
          return;
        }
        continue;
      }
      const { data } = stored;
      const keyId = base64KeyId(stored.sealedResult);
      if (keyId === this.#ring.current.id) return;
      let sealedResult: string;
      try {
        sealedResult = resealCallbackResult(this.#sealer, {
          ...data,
          sealedResult: stored.sealedResult,
        });
      } catch (error) {
        if (!(error instanceof SealedDataError)) throw error;
        page.unreadable.push({
          id: at.id,
          record: 'callback-result',
          problem: error.problem,
          ...(keyId ? { keyId } : {}),
        });
        return;
      }
      const verdict = await runScript(
        this.#redis,
        CASE_SCRIPTS.resealField,
        [at.key],
        ['data', stored.raw, JSON.stringify({ ...data, sealedResult })],
      );
      if (verdict === 'ok') {
        page.resealed.callbackResults += 1;
        return;
      }
    }
    page.changed.push(at.id);
  }

  /** The entries of a history list that hold a sealed note: index, raw JSON, parsed. */
  async #readNotes(
    at: NotesAt,
  ): Promise<{ index: number; raw: string; entry: StoredNoteEntry & { sealedNote: string } }[]> {
    const raw = await this.#redis.lrange(at.key, 0, -1);
    const found = [];
    for (const [index, text] of raw.entries()) {
      // Cheap before a parse: most entries are the gateway's own, with no sealed note.
      if (!text.includes('"sealedNote"')) continue;
      let entry: StoredNoteEntry;
      try {
        entry = JSON.parse(text) as StoredNoteEntry;
      } catch {
        continue; // not an entry the stores wrote: nothing sealed to count or re-seal
      }
      if (typeof entry.sealedNote !== 'string') continue;
      found.push({ index, raw: text, entry: { ...entry, sealedNote: entry.sealedNote } });
    }
    return found;
  }

  /** Re-seals the notes of one history list not under the current key (reseal-list-entry.lua). */
  async #resealNotes(at: NotesAt, page: ResealPage): Promise<void> {
    const current = this.#ring.current.id;
    const failed = new Set<number>();
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const todo = (await this.#readNotes(at)).filter(
        (n) => !failed.has(n.index) && base64KeyId(n.entry.sealedNote) !== current,
      );
      let changed = false;
      for (const { index, raw, entry } of todo) {
        const context = noteContext(at.ownerId, entry);
        let sealed: string;
        try {
          const text = this.#sealer.open(Buffer.from(entry.sealedNote, 'base64'), context);
          sealed = this.#sealer.seal(text, context).toString('base64');
        } catch (error) {
          if (!(error instanceof SealedDataError)) throw error;
          const keyId = base64KeyId(entry.sealedNote);
          failed.add(index);
          page.unreadable.push({
            id: at.ownerId,
            record: 'history-note',
            problem: error.problem,
            ...(keyId ? { keyId } : {}),
          });
          continue;
        }
        const verdict = await runScript(
          this.#redis,
          CASE_SCRIPTS.resealListEntry,
          [at.key],
          [index, raw, JSON.stringify({ ...entry, sealedNote: sealed })],
        );
        if (verdict === 'ok') page.resealed.notes += 1;
        else changed = true;
      }
      if (!changed) return;
    }
    page.changed.push(at.ownerId);
  }

  /** A comment's hash field as stored and its sealed text, if it holds one. */
  async #readComment(
    at: CommentAt,
  ): Promise<{ raw: string; sealed: string; reRating?: Record<string, unknown> } | undefined> {
    const raw = await this.#redis.hget(at.key, at.field);
    if (raw === null) return undefined;
    if (at.field === 'comment') return { raw, sealed: raw };
    let reRating: Record<string, unknown> | undefined;
    try {
      reRating = (JSON.parse(raw) as Record<string, unknown> | null) ?? undefined;
    } catch {
      return undefined; // not the rectification store's JSON: nothing sealed to count or re-seal
    }
    const sealed = reRating?.comment;
    return reRating && typeof sealed === 'string' ? { raw, sealed, reRating } : undefined;
  }

  /** Re-seals one comment not sealed under the current key (reseal-field.lua). */
  async #resealComment(at: CommentAt, page: ResealPage): Promise<void> {
    const record = at.field === 'comment' ? 'evaluation-comment' : 're-rating-comment';
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const stored = await this.#readComment(at);
      const keyId = stored && base64KeyId(stored.sealed);
      if (!stored || keyId === this.#ring.current.id) return;
      let sealed: string;
      try {
        const text = this.#sealer.open(Buffer.from(stored.sealed, 'base64'), at.context);
        sealed = this.#sealer.seal(text, at.context).toString('base64');
      } catch (error) {
        if (!(error instanceof SealedDataError)) throw error;
        page.unreadable.push({
          id: at.id,
          record,
          problem: error.problem,
          ...(keyId ? { keyId } : {}),
        });
        return;
      }
      const value = stored.reRating
        ? JSON.stringify({ ...stored.reRating, comment: sealed })
        : sealed;
      const verdict = await runScript(
        this.#redis,
        CASE_SCRIPTS.resealField,
        [at.key],
        [at.field, stored.raw, value],
      );
      if (verdict === 'ok') {
        page.resealed.comments += 1;
        return;
      }
    }
    page.changed.push(at.id);
  }

  /** What case `caseId` stores sealed or in clear, as bytes (undefined fields: none stored). */
  async read(caseId: string): Promise<StoredSeals> {
    const [envelope, fields] = await Promise.all([
      this.#redis.getBuffer(this.#keys.envelope(caseId)),
      this.#redis.hmgetBuffer(
        this.#keys.case(caseId),
        LEGACY_ENVELOPE_FIELD,
        SEALED_RESULT_FIELD,
        LEGACY_RESULT_FIELD,
        SEALED_FAILURE_REASON_FIELD,
        LEGACY_FAILURE_REASON_FIELD,
      ),
    ]);
    const [legacyEnvelope, sealedResult, result, sealedReason, clearReason] = fields;
    const clear = result?.toString('utf8');
    return {
      caseId,
      ...(envelope ? { envelope } : {}),
      ...(legacyEnvelope ? { legacyEnvelope } : {}),
      ...(sealedResult ? { sealedResult: sealedResult.toString('utf8') } : {}),
      // As the record reads it: a sealed result wins, and JSON null is no result at all.
      ...(clear !== undefined && clear !== 'null' && !sealedResult ? { clearResult: clear } : {}),
      ...(sealedReason ? { sealedFailureReason: sealedReason.toString('utf8') } : {}),
      // As the record reads it: a sealed reason wins, and '' (blanked by a later failure) is none.
      ...(clearReason?.length && !sealedReason
        ? { clearFailureReason: clearReason.toString('utf8') }
        : {}),
    };
  }

  /**
   * The compare-and-set of a case's re-seal (reseal-case.lua): writes every record named only if
   * each is still stored as it was read. 'ok', else which record had changed (nothing written).
   */
  async replace(caseId: string, write: ResealWrite): Promise<string> {
    const args: (string | Buffer)[] = [
      write.envelope?.read ?? '',
      write.envelope?.sealed ?? '',
      write.legacyEnvelope?.read ?? '',
      write.legacyEnvelope?.sealed ?? '',
      write.sealedResult?.read ?? '',
      write.sealedResult?.sealed ?? '',
      write.clearResult?.read ?? '',
      write.clearResult?.sealed ?? '',
      write.sealedFailureReason?.read ?? '',
      write.sealedFailureReason?.sealed ?? '',
      write.clearFailureReason?.read ?? '',
      write.clearFailureReason?.sealed ?? '',
    ];
    const keys = [this.#keys.case(caseId), this.#keys.envelope(caseId)];
    return String(await runScript(this.#redis, CASE_SCRIPTS.resealCase, keys, args));
  }

  async #resealCase(caseId: string, page: ResealPage): Promise<void> {
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const { write, unreadable } = this.#plan(await this.read(caseId));
      if (Object.keys(write).length === 0) {
        page.unreadable.push(...unreadable);
        return;
      }
      if ((await this.replace(caseId, write)) === 'ok') {
        page.resealed.envelopes += Number(!!write.envelope) + Number(!!write.legacyEnvelope);
        page.resealed.results += Number(!!write.sealedResult);
        page.sealedClearResults += Number(!!write.clearResult);
        page.resealed.failureReasons += Number(!!write.sealedFailureReason);
        page.sealedClearFailureReasons += Number(!!write.clearFailureReason);
        page.unreadable.push(...unreadable);
        return;
      }
    }
    page.changed.push(caseId);
  }

  /** What to write for the records of `stored` not under the current key, and what failed. */
  #plan(stored: StoredSeals): { write: ResealWrite; unreadable: UnreadableRecord[] } {
    const { caseId } = stored;
    const current = this.#ring.current.id;
    const write: ResealWrite = {};
    const unreadable: UnreadableRecord[] = [];
    const attempt = <T>(
      record: UnreadableRecord['record'],
      keyId: string | undefined,
      run: () => T,
    ) => {
      try {
        return run();
      } catch (error) {
        const problem =
          error instanceof SealedDataError
            ? error.problem
            : error instanceof CorruptCaseError || error instanceof SyntaxError
              ? 'corrupt'
              : undefined;
        if (!problem) throw error;
        unreadable.push({ id: caseId, record, problem, ...(keyId ? { keyId } : {}) });
        return undefined;
      }
    };
    const envelopeOf = (read: Buffer) => {
      const keyId = sealedKeyId(read);
      if (keyId === current) return undefined;
      const sealed = attempt('envelope', keyId, () =>
        this.#sealer.seal(this.#sealer.open(read, caseId), caseId),
      );
      return sealed && { read, sealed };
    };
    if (stored.envelope) {
      const envelope = envelopeOf(stored.envelope);
      if (envelope) write.envelope = envelope;
    }
    if (stored.legacyEnvelope) {
      const legacyEnvelope = envelopeOf(stored.legacyEnvelope);
      if (legacyEnvelope) write.legacyEnvelope = legacyEnvelope;
    }
    const read = stored.sealedResult;
    const keyId = read === undefined ? undefined : base64KeyId(read);
    if (read !== undefined && keyId !== current) {
      const sealed = attempt('result', keyId, () =>
        sealResult(this.#sealer, openStoredResult(this.#sealer, { sealed: read }, caseId), caseId),
      );
      if (sealed) write.sealedResult = { read, sealed };
    }
    const clear = stored.clearResult;
    if (clear !== undefined) {
      const sealed = attempt('result', undefined, () =>
        sealResult(
          this.#sealer,
          openStoredResult(this.#sealer, { legacyJson: clear }, caseId),
          caseId,
        ),
      );
      if (sealed) write.clearResult = { read: clear, sealed };
    }
    const reason = stored.sealedFailureReason;
    const reasonKeyId = reason === undefined ? undefined : base64KeyId(reason);
    if (reason !== undefined && reasonKeyId !== current) {
      const sealed = attempt('failure-reason', reasonKeyId, () =>
        resealFailureReason(this.#sealer, { sealed: reason }, caseId),
      );
      if (sealed) write.sealedFailureReason = { read: reason, sealed };
    }
    const clearReason = stored.clearFailureReason;
    if (clearReason !== undefined) {
      const sealed = resealFailureReason(this.#sealer, { clear: clearReason }, caseId);
      write.clearFailureReason = { read: clearReason, sealed };
    }
    return { write, unreadable };
  }

  /** The ids of the next page of case hashes, and where the page after it starts. */
  async #page(
    from: WalkPosition | undefined,
    limit: number,
  ): Promise<{
    ids: string[];
    comments: CommentAt[];
    notes: NotesAt[];
    callbacks: CallbackJobAt[];
    next: WalkPosition | null;
  }> {
    const nodes = this.#nodes();
    const { node, scan } = from ?? { node: 0, scan: '0' };
    const redis = nodes[node];
    if (!redis) return { ids: [], comments: [], notes: [], callbacks: [], next: null };
    // Every hash under a hash tag of the prefix — cases ({s<n>}), evaluations and rectifications
    // ({rating:<province>}) — or under BullMQ's (`bull:{<queue>}`), of which the callbacks' job
    // hashes; the rest ({supervise}, {catalogue}, the delivery queues' jobs…) is left out by the
    // patterns. SCAN goes over every key whatever it matches: the wider match costs names only.
    const pattern = `${escapeGlob(this.#keys.prefix)}:[{b]*`;
    // A cluster's node connections hold no command timeout of their own: sendToNode gives the
    // cluster's.
    const [cursor, keys] = (await sendToNode(
      redis,
      commandTimeoutOf(this.#redis),
      'scan',
      scan,
      'MATCH',
      pattern,
      'COUNT',
      limit,
      'TYPE',
      'hash',
    )) as [string, string[]];
    const ids = new Set<string>();
    const comments = new Map<string, CommentAt>();
    const callbacks: CallbackJobAt[] = [];
    for (const key of keys) {
      const job = this.#callbackJobKey.exec(key)?.[1];
      if (job) callbacks.push({ key, id: job });
      const id = this.#caseKey.exec(key)?.[1];
      if (id) ids.add(id);
      const evaluation = this.#evaluationKey.exec(key)?.[1];
      // The context the evaluation store seals a comment in: `evaluation:<caseId>:<rated>`.
      if (evaluation) {
        const caseId = evaluation.split(':')[1]!;
        comments.set(key, { key, field: 'comment', context: evaluation, id: caseId });
      }
      const [, province, rectification] = this.#rectificationKey.exec(key) ?? [];
      if (province && rectification) {
        comments.set(key, {
          key,
          field: 'reRating',
          context: rectification,
          id: rectification,
        });
      }
    }
    const next =
      cursor !== '0'
        ? { node, scan: cursor }
        : node + 1 < nodes.length
          ? { node: node + 1, scan: '0' }
          : null;
    // A history list is in its hash's slot, so it is on the node that holds the hash: each case's
    // and each rectification's is walked with its hash.
    const notes: NotesAt[] = [
      ...[...ids].map((id) => ({ key: this.#keys.history(id), ownerId: id })),
      ...[...comments.values()]
        .filter((c) => c.field === 'reRating')
        .map((c) => ({
          key: this.#keys.rating(this.#provinceOf(c.key)).rectificationHistory(c.id),
          ownerId: c.id,
        })),
    ];
    return { ids: [...ids], comments: [...comments.values()], notes, callbacks, next };
  }

  /** The province of a rectification hash's key (its slot's tag). */
  #provinceOf(key: string): string {
    return this.#rectificationKey.exec(key)![1]!;
  }

  /** The Redis to scan: the one server, or a Cluster's masters in the order of their addresses. */
  #nodes(): Redis[] {
    if (!(this.#redis instanceof Cluster)) return [this.#redis];
    const address = (n: Redis) => `${n.options.host ?? ''}:${String(n.options.port ?? '')}`;
    return this.#redis.nodes('master').sort((a, b) => address(a).localeCompare(address(b)));
  }
}

/** The key id in a base64 sealed header: 64 base64 characters are 48 bytes, past any key id. */
function base64KeyId(sealed: string): string | undefined {
  return sealedKeyId(Buffer.from(sealed.slice(0, 64), 'base64'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
