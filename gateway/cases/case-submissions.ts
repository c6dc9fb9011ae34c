// Storing a submission (gateway/README.md#case-store, gateway/README.md#idempotency): the one
// write of a submission's cases with its sealed envelope, outbox entry and idempotency record
// (create-case.lua), the look-up of an Idempotency-Key's record before it, and the shard a key's
// cases go to. Used by the submit path (submit-case.ts). A part of the case store, built by the
// CaseStore (case-store.ts) from its one context, so the keys, the Redis client, the sealer and
// the settings keep one owner; the store delegates create, findIdempotent and submissionShard here.
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import { shardOfCase, type RedisKeys } from '../shared/redis-keys.ts';
import { toHash, type CaseRecord } from './case-record.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import type { CaseStoreContext, CaseStoreSettings } from './case-store-context.ts';
import {
  decodeIdempotency,
  encodeIdempotency,
  type IdempotencyRecord,
} from './idempotency-record.ts';

export type CreateOutcome = { created: true } | { created: false; existing: IdempotencyRecord };

export interface NewCase {
  /** Stored ROUTED; its history starts with the submission's entries, derived from it. */
  record: CaseRecord;
  /** Its 督办 schedule (supervision-board.ts trackArgs); none for a joint parent. */
  supervision?: readonly string[];
}

export class CaseSubmissions {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;
  readonly #config: CaseStoreSettings;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
    this.#config = context.config;
  }

  /**
   * The record of a portal's Idempotency-Key (its SHA-256 as hex), under its compact name or, stored
   * before that name, its legacy one: both in one command (the same slot), so the look-up stays
   * one round trip.
   */
  async findIdempotent(clientId: string, keyHash: string): Promise<IdempotencyRecord | undefined> {
    const [compact, legacy] = await this.#redis.mget(
      this.#keys.idempotency(clientId, keyHash),
      this.#keys.legacyIdempotency(clientId, keyHash),
    );
    const raw = compact ?? legacy;
    return raw ? decodeIdempotency(raw) : undefined;
  }

  /** The shard a submission with this Idempotency-Key hash is stored in: its case id names it. */
  submissionShard(keyHash: string): number {
    return this.#keys.submissionShard(keyHash);
  }

  /**
   * The one write of a submission (create-case.lua): the parent (first) and any children with
   * their 督办 schedule, the sealed envelope, the outbox entry and the idempotency record,
   * atomically, in the submission's shard. The envelope is sealed once, under the parent's id, so
   * a sealed envelope moved to another case fails. With GW_IDEMPOTENCY_LEGACY_WRITE the record is
   * also written under its legacy name, with `legacyRequestHash` (the whole hex digest), for the
   * gateways of a rolling upgrade that read only that.
   */
  async create(
    idempotency: {
      clientId: string;
      keyHash: string;
      record: IdempotencyRecord;
      legacyRequestHash: string;
    },
    envelope: SubmissionEnvelope,
    cases: readonly [NewCase, ...NewCase[]],
  ): Promise<CreateOutcome> {
    const parent = cases[0].record;
    if (shardOfCase(parent.id) !== this.#keys.submissionShard(idempotency.keyHash)) {
      throw new Error(`case ${parent.id} is not in the shard of its Idempotency-Key`);
    }
    const shard = this.#keys.shardOf(parent.id);
    const board = shard.supervision;
    const keys = [
      this.#keys.idempotency(idempotency.clientId, idempotency.keyHash),
      shard.outbox,
      shard.jointParents,
      board.due,
      board.gauges,
      board.deadlines,
      this.#keys.envelope(parent.id),
    ];
    const args: (string | Buffer)[] = [
      encodeIdempotency(idempotency.record),
      String(this.#config.idempotencyTtlSeconds),
      // The system clock, not the store's (a test's may run years ahead): relays compare it with theirs.
      String(Date.now()),
      parent.id,
      this.#keys.outboxNudge,
      String(shard.shard),
      this.#sealer.seal(envelope, parent.id),
    ];
    for (const c of cases) {
      const id = c.record.id;
      keys.push(this.#keys.case(id));
      args.push(
        JSON.stringify(toHash(c.record)),
        c.supervision ? JSON.stringify(c.supervision) : '',
      );
    }
    // Last: a record stored under the legacy name takes the key as well.
    keys.push(this.#keys.legacyIdempotency(idempotency.clientId, idempotency.keyHash));
    args.push(
      this.#config.idempotencyLegacyWrite
        ? encodeIdempotency({
            id: idempotency.record.id,
            requestHash: idempotency.legacyRequestHash,
          })
        : '',
    );
    const result = (await runScript(this.#redis, CASE_SCRIPTS.createCase, keys, args)) as string[];
    if (result[0] === 'created') return { created: true };
    return { created: false, existing: decodeIdempotency(result[1] ?? ' ') };
  }
}
