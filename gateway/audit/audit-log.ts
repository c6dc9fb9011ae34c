// The operators' audit log (gateway/README.md#audit-chain): an append-only SM3 hash chain in
// Redis. Every operator action and every refused operator attempt is appended here, by whichever
// gateway process served it; entries are never edited, expired or deleted (kept ≥ 180 days: the
// gateway keeps them for ever, and trimming old ones is the deployment's decision, after that).
//
// Appending is a compare-and-set (scripts/append-entry.lua): hash the entries against the head
// this process last saw, store them only if that is still the head, else hash again from the head
// the script answers. One round trip when nobody else appended in between. Within a process,
// appends queue and go in batches, one batch in flight: racing its own appends would only make a
// process lose compare-and-sets to itself, so under load only processes contend, never requests.
import { readFileSync } from 'node:fs';
import type { RedisClient } from '../shared/redis.ts';
import { createActionIntents, type ActionIntents } from './action-intents.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { Replicated } from '../shared/replica-barrier.ts';
import {
  chainEntry,
  GENESIS,
  GENESIS_HASH,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
  type AuditOutcome,
  type ChainHead,
} from './audit-chain.ts';
export type { ChainHead } from './audit-chain.ts';

export type { AuditEntry, AuditEntryInput, AuditOutcome } from './audit-chain.ts';
export { verifyChain } from './audit-chain.ts';

export interface AuditQuery {
  /** Entries after this seq (0: from the start). */
  after?: number;
  /** 1–200, default 50. */
  limit?: number;
  actor?: string;
  action?: string;
  /** What the entries are about, e.g. a case id. */
  target?: string;
  outcome?: AuditOutcome;
}

export interface AuditPage {
  items: AuditEntry[];
  /** The seq to pass as `after` for the next page; null when the chain has no more entries. */
  nextCursor: string | null;
}

/** A page read backwards: the newest entries first (the console's audit page opens on these). */
export interface AuditLatestQuery extends Omit<AuditQuery, 'after'> {
  /** Entries before this seq (absent: from the newest). */
  before?: number;
}

export interface AuditLatestPage {
  /** Newest first. */
  items: AuditEntry[];
  /** The seq to pass as `before` for the older entries; null when none is left. */
  olderCursor: string | null;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries found intact before the first broken one (all of them when ok). */
  checked: number;
  /** The first entry missing, altered or out of order. */
  brokenSeq?: number;
  /** The first seq checked; `to` the last one read (from > to: nothing new to check). */
  from: number;
  to: number;
  /** The last entry found intact: a later check continues from it (the console's checkpoint). */
  head: ChainHead;
  /** The chain's head when the check began. */
  chainSeq: number;
  /**
   * Set when the chain's first entries are not in Redis (trimmed after their 180 days): the check
   * began at this seq, chained from its own prevHash, which nothing left can confirm.
   */
  trimmedBefore?: number;
}

export interface AuditLog {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  page(query: AuditQuery): Promise<AuditPage>;
  /** Like page, read from the newest entry backwards. */
  latest(query: AuditLatestQuery): Promise<AuditLatestPage>;
  /**
   * The whole chain, from its first entry (or the first one kept: trimmedBefore); with `limit`,
   * only that many entries from there.
   */
  verify(limit?: number): Promise<AuditVerification>;
  /**
   * The entries after `from` (a head an earlier check found intact, e.g. the console's
   * checkpoint), at most `limit` of them: first that the entry at from.seq still has from.hash,
   * then each one after it, and the chain's recorded head once they reach it.
   */
  verifyFrom(from: ChainHead, limit: number): Promise<AuditVerification>;
  /**
   * With GW_REDIS_WAIT_REPLICAS (absent without it): resolves once the chain's entries so far,
   * and the writes to these keys, are on the replicas (shared/replica-barrier.ts). auditedAction
   * waits for it after an action's `ok` entry, so an operator is told an action is done only once
   * the action and its entry would both survive a fail-over.
   */
  replicated?(...alsoWritten: string[]): Promise<void>;
  /** The operator actions under way, and those a stopped process left (action-intents.ts). */
  readonly intents: ActionIntents;
}

export interface AuditLogDeps {
  redis: RedisClient;
  keys: RedisKeys;
  now: () => Date;
  replicated?: Replicated;
}

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

const APPEND = luaScript(
  readFileSync(new URL('./scripts/append-entry.lua', import.meta.url), 'utf8'),
);

/** Losing this many compare-and-sets in a row means something is wrong, not busy. */
const MAX_ATTEMPTS = 200;
/** Entries one script call appends at most. */
const MAX_BATCH = 100;
/** Entries read per HMGET. */
const BATCH = 200;
/** A filtered page reads at most this many entries, then answers what it found and a cursor. */
const SCAN_LIMIT = 2000;

function matcher(query: Omit<AuditQuery, 'after' | 'limit'>): (e: AuditEntry) => boolean {
  return (e) =>
    (query.actor === undefined || e.actor === query.actor) &&
    (query.action === undefined || e.action === query.action) &&
    (query.target === undefined || e.target === query.target) &&
    (query.outcome === undefined || e.outcome === query.outcome);
}

export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { redis, keys, now } = deps;
  // The head this process last appended or saw: usually still the head, saving a read.
  let known: ChainHead | undefined;

  async function readHead(): Promise<ChainHead> {
    const [seq, hash] = await redis.hmget(keys.audit.head, 'seq', 'hash');
    return seq && hash ? { seq: Number(seq), hash } : GENESIS;
  }

  /** Entries from..to (inclusive); undefined where one is missing or not JSON. */
  async function readRange(from: number, to: number): Promise<(AuditEntry | undefined)[]> {
    if (to < from) return [];
    const seqs = Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
    const raw = await redis.hmget(keys.audit.entries, ...seqs);
    return raw.map((text) => {
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as AuditEntry;
      } catch {
        return undefined;
      }
    });
  }

  /**
   * The first entry still in Redis: 1, unless retention trimmed the oldest ones (a prefix: found
   * by halving, a few HEXISTS). A chain whose last entry is gone too answers 1, so the check
   * breaks there.
   */
  async function firstKept(last: number): Promise<number> {
    const has = async (seq: number) => (await redis.hexists(keys.audit.entries, String(seq))) === 1;
    if (last <= 1 || (await has(1)) || !(await has(last))) return 1;
    let low = 2;
    let high = last;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (await has(middle)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  function broken(
    seq: number,
    checked: number,
    stored: ChainHead,
    head: ChainHead,
    from = seq,
  ): AuditVerification {
    return { ok: false, checked, brokenSeq: seq, from, to: seq, head, chainSeq: stored.seq };
  }

  /** The entries after `start` up to the stored head, at most `limit`, read BATCH at a time. */
  async function check(
    start: ChainHead,
    stored: ChainHead,
    limit: number,
  ): Promise<AuditVerification> {
    const from = start.seq + 1;
    const end = Math.min(stored.seq, start.seq + limit);
    let head = start;
    let checked = 0;
    // The last entry's prevHash: the intact head before it, should the recorded head disagree.
    let previous = start;
    while (head.seq < end) {
      const first = head.seq + 1;
      const batch = await readRange(first, Math.min(end, head.seq + BATCH));
      const missing = batch.indexOf(undefined);
      const present = (missing === -1 ? batch : batch.slice(0, missing)) as AuditEntry[];
      const verdict = verifyChain(present, head);
      checked += verdict.checked;
      if (!verdict.ok) return broken(verdict.brokenSeq!, checked, stored, verdict.head, from);
      if (missing !== -1) return broken(first + missing, checked, stored, verdict.head, from);
      const last = present.at(-1);
      if (last) previous = { seq: last.seq - 1, hash: last.prevHash };
      head = verdict.head;
    }
    // The head records the last hash: a last entry rewritten with a fresh hash still breaks here.
    if (head.seq === stored.seq && head.hash !== stored.hash)
      return broken(stored.seq, checked - 1, stored, head.seq > start.seq ? previous : start, from);
    return { ok: true, checked, from, to: end, head, chainSeq: stored.seq };
  }

  interface Pending {
    input: AuditEntryInput;
    resolve: (entry: AuditEntry) => void;
    reject: (error: unknown) => void;
  }
  const pending: Pending[] = [];
  let draining = false;

  /**
   * Appends the entries; with `intent`, only while that action intent exists, removing it in the
   * same step (undefined: another process recorded it).
   */
  async function appendBatch(
    inputs: readonly AuditEntryInput[],
    intent = '',
  ): Promise<AuditEntry[] | undefined> {
    let head = known ?? (await readHead());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const at = now();
      const entries: AuditEntry[] = [];
      let last = head;
      for (const input of inputs) {
        const entry = chainEntry(last, input, at);
        entries.push(entry);
        last = { seq: entry.seq, hash: entry.hash };
      }
      const [stored, seq, hash] = (await runScript(
        redis,
        APPEND,
        [keys.audit.head, keys.audit.entries, keys.audit.intents],
        [head.seq, last.hash, intent, ...entries.map((e) => JSON.stringify(e))],
      )) as [number, number, string];
      head = { seq: Number(seq), hash: hash || GENESIS_HASH };
      known = head;
      if (stored === 1) return entries;
      if (stored === 2) return undefined;
    }
    throw new Error(`audit chain: no append after ${MAX_ATTEMPTS} attempts, the head kept moving`);
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, MAX_BATCH);
        try {
          const entries = (await appendBatch(batch.map((p) => p.input)))!;
          batch.forEach((p, i) => p.resolve(entries[i]!));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      draining = false;
    }
  }

  const append = (input: AuditEntryInput) =>
    new Promise<AuditEntry>((resolve, reject) => {
      pending.push({ input, resolve, reject });
      void drain();
    });
  const { replicated } = deps;
  return {
    ...(replicated
      ? { replicated: (...alsoWritten: string[]) => replicated(keys.audit.head, ...alsoWritten) }
      : {}),
    append,
    intents: createActionIntents({
      redis,
      keys,
      now,
      appendClaimed: async (input, intent) => (await appendBatch([input], intent)) !== undefined,
    }),

    async page(query) {
      const after = query.after ?? 0;
      const limit = Math.min(Math.max(query.limit ?? AUDIT_PAGE_DEFAULT, 1), AUDIT_PAGE_MAX);
      const filtered = query.actor ?? query.action ?? query.target ?? query.outcome;
      const matches = matcher(query);
      const last = (await readHead()).seq;
      const items: AuditEntry[] = [];
      let position = after;
      while (position < last && items.length < limit && position - after < SCAN_LIMIT) {
        const to = Math.min(last, position + (filtered ? BATCH : limit - items.length));
        const batch = await readRange(position + 1, to);
        for (const entry of batch) {
          position += 1;
          if (entry && matches(entry)) items.push(entry);
          if (items.length === limit) break;
        }
      }
      return { items, nextCursor: position < last ? String(position) : null };
    },

    async latest(query) {
      const limit = Math.min(Math.max(query.limit ?? AUDIT_PAGE_DEFAULT, 1), AUDIT_PAGE_MAX);
      const matches = matcher(query);
      const head = (await readHead()).seq;
      const start = Math.min(head + 1, query.before ?? head + 1);
      const items: AuditEntry[] = [];
      // The next seq to read is position - 1; stop at the first entry, a full page or the scan limit.
      let position = start;
      while (position > 1 && items.length < limit && start - position < SCAN_LIMIT) {
        const from = Math.max(1, position - BATCH);
        const batch = await readRange(from, position - 1);
        for (const entry of batch.reverse()) {
          position -= 1;
          if (entry && matches(entry)) items.push(entry);
          if (items.length === limit) break;
        }
      }
      return { items, olderCursor: position > 1 ? String(position) : null };
    },

    async verify(limit = Infinity) {
      const stored = await readHead();
      const first = await firstKept(stored.seq);
      if (first === 1) return check(GENESIS, stored, limit);
      const [entry] = await readRange(first, first);
      const start = { seq: first - 1, hash: entry?.prevHash ?? '' };
      return { ...(await check(start, stored, limit)), trimmedBefore: first };
    },

    async verifyFrom(from, limit) {
      const stored = await readHead();
      if (from.seq > 0) {
        // The checkpoint's own entry first: rewritten with a fresh hash, the entries after it
        // would still chain from the checkpoint's hash; the check must name it, not its successor.
        const [entry] = await readRange(from.seq, from.seq);
        if (entry?.hash !== from.hash || stored.seq < from.seq)
          return broken(from.seq, from.seq - 1, stored, { seq: from.seq - 1, hash: '' });
      }
      return check(from, stored, limit);
    },
  };
}
