// Catalogue drafts in Redis (gateway/README.md#drafts-and-four-eyes): one hash per draft under the
// `{catalogue}` tag, so the publish script can check and close the draft in the same step as it
// writes the version. A draft is created by create-draft.lua, with its Idempotency-Key's record
// when one was given, so a retried creation finds the record and stores no second draft. Every
// status change goes through move-draft.lua, which checks the status (and the author, for edits)
// in the same step as it writes.
import { readFileSync } from 'node:fs';
import {
  decodeIdempotency,
  encodeIdempotency,
  type IdempotencyRecord,
} from '../../cases/idempotency-record.ts';
import { luaScript, runScript } from '../../shared/lua-script.ts';
import type { RedisClient } from '../../shared/redis.ts';
import type { CatalogueKeys } from '../../shared/redis-keys.ts';

const CREATE = luaScript(
  readFileSync(new URL('./scripts/create-draft.lua', import.meta.url), 'utf8'),
);
const MOVE = luaScript(readFileSync(new URL('./scripts/move-draft.lua', import.meta.url), 'utf8'));

export const DRAFT_STATUSES = ['draft', 'in-review', 'approved', 'rejected'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];
export type DraftKind = 'item' | 'calendar';

/** A draft as stored: strings, since it is a Redis hash; draftView() gives the API's shape. */
export interface StoredDraft {
  readonly draftId: string;
  readonly kind: DraftKind;
  /** The item code, or for a calendar `calendar-<year>`. */
  readonly target: string;
  readonly status: DraftStatus;
  readonly author: string;
  readonly note: string;
  /** The published version the draft changes (0: a new item; calendars: 0). */
  readonly baseVersion: number;
  /** JSON of the item (metadata, schema, examples) or of the calendar year. */
  readonly body: string;
  readonly bodyDigest: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** JSON of the last validation, and the body digest it was made for. */
  readonly validation?: string;
  readonly validatedDigest?: string;
  /** The body digest of the last validation that was ok ('' when it was not): submit needs it. */
  readonly validOkDigest?: string;
  readonly submittedAt?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly reason?: string;
  readonly publishedVersion?: number;
  readonly revision?: number;
}

export type MoveOutcome =
  | { ok: true }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'status'; status: string }
  | { ok: false; reason: 'author'; author: string }
  | { ok: false; reason: 'check'; value: string };

export interface DraftMove {
  readonly from: DraftStatus;
  /** Only this author may make the change. */
  readonly author?: string;
  /**
   * A field that must still hold one of these values (e.g. the validated body digest, or the saves
   * an If-Match names); none given, nothing passes.
   */
  readonly check?: { readonly field: keyof StoredDraft; readonly values: readonly string[] };
  readonly set: Partial<Record<keyof StoredDraft, string | number>>;
}

/** An operator's Idempotency-Key for a creation: its hash and the record to keep under it. */
export interface DraftIdempotency {
  readonly operatorId: string;
  readonly keyHash: string;
  /** The compact request hash (cases/idempotency-record.ts hashRequest). */
  readonly requestHash: string;
  readonly ttlSeconds: number;
}

export type CreateDraftOutcome =
  { created: true } | { created: false; existing: IdempotencyRecord };

/** Where a page of drafts ended: the last draft's creation (the sorted set's score) and id. */
export interface DraftPosition {
  readonly createdMs: number;
  readonly draftId: string;
}

export interface DraftPageQuery {
  readonly status?: DraftStatus | undefined;
  readonly after?: DraftPosition | undefined;
  readonly limit: number;
}

export interface DraftPage {
  readonly drafts: StoredDraft[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: DraftPosition;
}

/** Draft ids read from the sorted set at a time while a page is filled. */
const SCAN_CHUNK = 200;

export interface DraftStore {
  /** Stores the draft, unless `idempotency`'s key already made one: then that one's record. */
  create(draft: StoredDraft, idempotency?: DraftIdempotency): Promise<CreateDraftOutcome>;
  /** The record an operator's Idempotency-Key made, if it is still kept. */
  findIdempotent(operatorId: string, keyHash: string): Promise<IdempotencyRecord | undefined>;
  get(draftId: string): Promise<StoredDraft | undefined>;
  /**
   * A page of drafts, newest first, of `status` when given, after `after` (the previous page's
   * last): the filter is applied before the page is cut, so no draft of the status is ever left
   * out, however many newer drafts of other statuses there are.
   */
  page(query: DraftPageQuery): Promise<DraftPage>;
  move(draftId: string, move: DraftMove): Promise<MoveOutcome>;
}

const NUMBERS = new Set(['baseVersion', 'publishedVersion', 'revision']);

function fromHash(hash: Record<string, string>): StoredDraft | undefined {
  if (!hash.draftId) return undefined;
  const draft: Record<string, string | number> = {};
  for (const [field, value] of Object.entries(hash))
    draft[field] = NUMBERS.has(field) ? Number(value) : value;
  return draft as unknown as StoredDraft;
}

export function createDraftStore(redis: RedisClient, keys: CatalogueKeys): DraftStore {
  return {
    async create(draft, idempotency) {
      const pairs = Object.entries(draft)
        .filter(([, v]) => v !== undefined)
        .flatMap(([f, v]) => [f, String(v)]);
      const reply = (await runScript(
        redis,
        CREATE,
        [
          keys.draft(draft.draftId),
          keys.drafts,
          ...(idempotency
            ? [keys.draftIdempotency(idempotency.operatorId, idempotency.keyHash)]
            : []),
        ],
        [
          draft.draftId,
          Date.parse(draft.createdAt),
          idempotency
            ? encodeIdempotency({ id: draft.draftId, requestHash: idempotency.requestHash })
            : '',
          idempotency?.ttlSeconds ?? 0,
          ...pairs,
        ],
      )) as string[];
      if (reply[0] === 'created') return { created: true };
      return { created: false, existing: decodeIdempotency(reply[1] ?? ' ') };
    },
    async findIdempotent(operatorId, keyHash) {
      const raw = await redis.get(keys.draftIdempotency(operatorId, keyHash));
      return raw ? decodeIdempotency(raw) : undefined;
    },
    async get(draftId) {
      return fromHash(await redis.hgetall(keys.draft(draftId)));
    },
    async page({ status, after, limit }) {
      // Newest first: by score (creation ms) descending, and within one ms by id descending, as
      // ZRANGE … REV orders them. `after`'s own ms is read again, its ids not after `after` dropped.
      const max = after ? String(after.createdMs) : '+inf';
      const found: DraftPosition[] = [];
      for (let offset = 0; found.length <= limit; offset += SCAN_CHUNK) {
        const flat = (
          (await redis.call(
            'ZRANGE',
            keys.drafts,
            max,
            '-inf',
            'BYSCORE',
            'REV',
            'LIMIT',
            offset,
            SCAN_CHUNK,
            'WITHSCORES',
          )) as unknown[]
        ).flat();
        const chunk: DraftPosition[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const position = { draftId: String(flat[i]), createdMs: Number(flat[i + 1]) };
          if (after && position.createdMs === after.createdMs && position.draftId >= after.draftId)
            continue;
          chunk.push(position);
        }
        // Only the status of each is read to filter: a draft's body can be tens of KiB.
        const statuses = status
          ? (
              (await redis
                .pipeline(chunk.map((p) => ['hget', keys.draft(p.draftId), 'status']))
                .exec()) ?? []
            ).map(([, v]) => v)
          : undefined;
        chunk.forEach((p, i) => {
          if (!statuses || statuses[i] === status) found.push(p);
        });
        if (flat.length < 2 * SCAN_CHUNK) break;
      }
      const shown = found.slice(0, limit);
      const replies = shown.length
        ? ((await redis.pipeline(shown.map((p) => ['hgetall', keys.draft(p.draftId)])).exec()) ??
          [])
        : [];
      const drafts = replies
        .map(([, hash]) => fromHash((hash ?? {}) as Record<string, string>))
        .filter((d): d is StoredDraft => d !== undefined);
      const last = shown.at(-1);
      return found.length > limit && last ? { drafts, next: last } : { drafts };
    },
    async move(draftId, move) {
      const pairs = Object.entries(move.set).flatMap(([f, v]) => [f, String(v)]);
      const reply = (await runScript(
        redis,
        MOVE,
        [keys.draft(draftId)],
        [
          move.from,
          move.author ?? '',
          move.check?.field ?? '',
          move.check?.values.length ?? 0,
          ...(move.check?.values ?? []),
          ...pairs,
        ],
      )) as string[];
      const [outcome, value = ''] = reply;
      if (outcome === 'ok') return { ok: true };
      if (outcome === 'missing') return { ok: false, reason: 'missing' };
      if (outcome === 'author') return { ok: false, reason: 'author', author: value };
      if (outcome === 'check') return { ok: false, reason: 'check', value };
      return { ok: false, reason: 'status', status: value };
    },
  };
}
