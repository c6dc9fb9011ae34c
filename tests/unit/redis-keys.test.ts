// Every Redis key under the configured prefix, and everything one submission writes — its case
// family, idempotency record, outbox entry and 督办 schedule — sharing its shard's Redis Cluster
// hash tag (gateway/shared/redis-keys.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import {
  CASE_BOARD_FIELDS,
  caseFamilyId,
  compactKeyHash,
  hashTagOf,
  MAX_REDIS_SHARDS,
  redisKeys,
  shardOfCase,
  shardOfKeyHash,
  SLOT,
} from '../../gateway/shared/redis-keys.ts';

const keys = redisKeys('gw');
const parent = '01JCASE0000000000000000002';
const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('redis keys', () => {
  it("puts a joint parent, its children and all their keys under their shard's hash tag", () => {
    const family = [parent, `${parent}-1`, `${parent}-12`];
    const all = family.flatMap((id) => [keys.case(id), keys.history(id), keys.events(id)]);
    expect(new Set(all.map(hashTag))).toEqual(new Set([`s${shardOfCase(parent)}`]));
    expect(new Set(all).size).toBe(all.length);
    expect(caseFamilyId(`${parent}-12`)).toBe(parent);
  });

  it('gives every BullMQ queue a hash tag of its own, so each queue is one Redis Cluster slot', () => {
    const queues = ['route-sc', 'route-sc-chengdu', 'route-yn', 'callbacks'];
    const tags = queues.map((q) => hashTag(`${keys.queuePrefix(q)}:${q}:wait`));
    expect(tags).toEqual(queues);
    expect(keys.queuePrefix('route-sc')).toBe('gw:bull:{route-sc}');
  });

  it('puts the idempotency record, case family, outbox, dead letters and their index, silence sets and 督办 board of a submission in one slot', () => {
    const keyHash = 'a3f0'.padEnd(64, '7');
    const shard = keys.submissionShard(keyHash);
    const id = newCaseId(shard);
    const s = keys.shardOf(id);
    const all = [
      keys.idempotency('portal-sc', keyHash),
      keys.legacyIdempotency('portal-sc', keyHash),
      keys.case(id),
      keys.history(`${id}-1`),
      keys.events(id),
      s.outbox,
      s.deadLetters,
      s.deadLetterIndex('yn', 'gave-up'),
      s.deadLetterIndexes,
      s.jointParents,
      s.provinceSilence('yn'),
      s.supervision.due,
      s.supervision.gauges,
      s.supervision.deadlines,
      s.supervision.subject('case', id),
    ];
    expect(new Set(all.map(hashTag))).toEqual(new Set([`s${shard}`]));
    expect(s.shard).toBe(shard);
  });

  it("names an Idempotency-Key's record by 128 bits of its hash in base64url, in the same shard as the legacy name and the same as before", () => {
    // sha256('portal-order-0001'): its first 32 bits, 0x8bab11db, are 11 mod 16.
    const keyHash = '8bab11db7afad472adab40a6744a74a8acdc558d4c60e16f2d41ade84e9775e7';
    expect(keys.submissionShard(keyHash)).toBe(11);
    expect(keys.idempotency('portal-sc', keyHash)).toBe(
      'gw:{s11}:idem:portal-sc:i6sR23r61HKtq0CmdEp0qA',
    );
    expect(keys.legacyIdempotency('portal-sc', keyHash)).toBe(`gw:{s11}:idem:portal-sc:${keyHash}`);
    expect(compactKeyHash(keyHash)).toBe('i6sR23r61HKtq0CmdEp0qA');
    for (const shards of [1, 7, 16, 1000]) {
      const sharded = redisKeys('gw', shards);
      for (let i = 0; i < 200; i++) {
        const hash = createHash('sha256').update(`key-${i}`).digest('hex');
        const before = `s${Number.parseInt(hash.slice(0, 8), 16) % shards}`;
        expect(hashTag(sharded.idempotency('portal-sc', hash))).toBe(before);
        expect(hashTag(sharded.legacyIdempotency('portal-sc', hash))).toBe(before);
      }
    }
  });

  it('writes the shard into a case id that still matches the published case id pattern', () => {
    for (const shard of [0, 1, 15, 31, 32, 511, MAX_REDIS_SHARDS - 1]) {
      const id = newCaseId(shard);
      expect(id).toMatch(CASE_ID);
      expect(shardOfCase(id)).toBe(shard);
      expect(shardOfCase(`${id}-3`)).toBe(shard);
    }
    // Junk ids (probes, old tests) still map to a shard, never to an error.
    expect(shardOfCase('nope')).toBeGreaterThanOrEqual(0);
    expect(shardOfCase('')).toBe(0);
  });

  it('spreads Idempotency-Key hashes over every shard and no further', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      seen.add(shardOfKeyHash((i * 2654435761).toString(16).padStart(8, '0'), 16));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(keys.allShards.map((s) => s.shard)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(() => redisKeys('gw', MAX_REDIS_SHARDS + 1)).toThrow(/GW_REDIS_SHARDS/);
  });

  it('keeps every key under the prefix', () => {
    const prefixed = redisKeys('t-x');
    for (const key of [
      prefixed.case(parent),
      prefixed.history(parent),
      prefixed.events(parent),
      prefixed.shard(3).outbox,
      prefixed.shard(3).deadLetters,
      prefixed.shard(3).deadLetterIndex('gx', 'refused'),
      prefixed.shard(3).deadLetterIndexes,
      prefixed.outboxNudge,
      prefixed.breaker('gx'),
      prefixed.idempotency('portal-sc', 'ab12'),
      prefixed.legacyIdempotency('portal-sc', 'ab12'),
      prefixed.nonce('portal-sc', 'n'.repeat(16)),
      prefixed.secretUse('portal-sc'),
      prefixed.rateLimit(200),
      prefixed.supervision.due,
      prefixed.supervision.subject('case', parent),
      prefixed.rating('53').evaluation(parent, 'handling'),
      prefixed.evaluationIdempotency('portal-sc', 'ab12'),
      prefixed.audit.head,
      prefixed.audit.entries,
      prefixed.queuePrefix('route-sc'),
      prefixed.console.session('ab12'),
      prefixed.console.failures('ab12'),
    ]) {
      expect(key.startsWith('t-x:')).toBe(true);
    }
  });

  it("puts every client's secret-use record under the one hash tag {clients}, one key a client", () => {
    const all = ['portal-sc', 'province-yn', 'operator-dev'].map((id) => keys.secretUse(id));
    expect(new Set(all.map(hashTag))).toEqual(new Set(['clients']));
    expect(new Set(all).size).toBe(3);
  });

  it('puts both audit chain keys under the one hash tag {audit}', () => {
    const all = [keys.audit.head, keys.audit.entries];
    expect(new Set(all.map(hashTag))).toEqual(new Set(['audit']));
    expect(new Set(all).size).toBe(2);
  });

  it('puts the 督办 board of rectifications and every notice under the one hash tag {supervise}', () => {
    const k = keys.supervision;
    const all = [
      k.due,
      k.deadlines,
      k.gauges,
      k.notices,
      k.noticesOf('53'),
      k.notice('NT01JNOTICE000000000000000'),
      k.subject('rectification', 'RC5301JRECT00000000000000000'),
    ];
    expect(new Set(all.map(hashTag))).toEqual(new Set(['supervise']));
    expect(new Set(all).size).toBe(all.length);
  });

  it("spells the board's field prefix in its Lua chunk as the keys module does", () => {
    const chunk = readFileSync(
      new URL('../../gateway/supervision/scripts/subject-record.lua', import.meta.url),
      'utf8',
    );
    expect(chunk).toContain(`local CASE_BOARD_FIELDS = '${CASE_BOARD_FIELDS}'`);
  });

  it('puts the 好差评 keys of one rated province under its own hash tag', () => {
    const of = (province: string) => {
      const k = keys.rating(province);
      const rect = `RC${province}01JRECT00000000000000000000`;
      return [
        k.evaluation(parent, 'handling'),
        k.evaluation(parent, 'collecting'),
        k.windows,
        k.reRatingWindows,
        k.reRatingBackfilled,
        k.rectification(rect),
        k.rectificationHistory(rect),
        k.rectificationEvents(rect),
        k.rectifications,
        k.rectificationsIn('OPEN'),
        k.rectificationsOf('portal-sc'),
        k.rectificationOutbox,
        k.statsTotal,
        k.statsDay('2026-10-09'),
        k.statsDays,
      ];
    };
    expect(new Set(of('53').map(hashTag))).toEqual(new Set(['rating:53']));
    expect(new Set(of('51').map(hashTag))).toEqual(new Set(['rating:51']));
    expect(new Set(of('53')).size).toBe(of('53').length);
  });

  it('names with SLOT the slot of each key family the replica wait is told of, and writes its mark in the slot of the key it is given', () => {
    const id = newCaseId(5);
    const pairs: [string, string][] = [
      [SLOT.case(id), keys.case(`${id}-2`)],
      [SLOT.case(id), keys.shardOf(id).outbox],
      [SLOT.shard(5), keys.history(id)],
      [SLOT.rating('53'), keys.rating('53').rectificationHistory('RC53X')],
      [SLOT.supervision, keys.supervision.notices],
      [SLOT.audit, keys.audit.head],
      [SLOT.catalogue, keys.catalogue.draft('D1')],
      [SLOT.catalogue, keys.catalogue.draftIdempotency('operator-dev', 'ab'.repeat(32))],
      [SLOT.queue('route-yn'), `${keys.queuePrefix('route-yn')}:route-yn:wait`],
    ];
    for (const [slot, key] of pairs) {
      expect(hashTag(slot)).toBe(hashTag(key));
      expect(hashTagOf(slot)).toBe(hashTag(slot));
      expect(hashTag(keys.replicaMark(slot))).toBe(hashTag(key));
      expect(hashTag(keys.replicaMark(key))).toBe(hashTag(key));
    }
    const untagged = keys.evaluationIdempotency('portal-sc', 'ab12');
    expect(hashTag(keys.replicaMark(untagged))).toBe(untagged);
    expect(keys.replicaMark()).toBe('gw:replica-mark');
    expect(() => keys.replicaMark('gw:odd}key')).toThrow(/no replica mark/);
  });
});
