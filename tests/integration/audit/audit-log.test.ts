// The audit log on a real Redis (gateway/audit/audit-log.ts): a gap-free chain however many
// connections append at once, pages with filters and a cursor, and a verification that names the
// entry someone altered or removed in Redis.
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { chainEntry, GENESIS_HASH, verifyChain } from '../../../gateway/audit/audit-chain.ts';
import {
  createAuditLog,
  type AuditEntryInput,
  type AuditLog,
} from '../../../gateway/audit/audit-log.ts';
import { redisKeys, type RedisKeys } from '../../../gateway/shared/redis-keys.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';

const connections: Redis[] = [];
function connection(): Redis {
  const redis = plainRedis();
  connections.push(redis);
  return redis;
}
afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

let keys: RedisKeys;
let log: AuditLog;
const redis = connection();
beforeEach(() => {
  keys = redisKeys(uniquePrefix('audit'));
  log = createAuditLog({ redis, keys, now: () => new Date() });
});

function entry(n: number, over: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: 'operator-dev',
    action: 'dead-letter.replay',
    target: `case-${n}`,
    outcome: 'ok',
    requestId: `req-${n}-abcdef`,
    ...over,
  };
}

describe('audit log', () => {
  it('numbers entries from 1 and chains each to the previous hash', async () => {
    const first = await log.append(entry(1));
    const second = await log.append(entry(2, { outcome: 'refused', reason: 'no replay right' }));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, target: 'case-1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, reason: 'no replay right' });
    expect(await log.page({})).toEqual({ items: [first, second], nextCursor: null });
    expect(await log.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('keeps the chain gap-free when three connections append 600 entries at once', async () => {
    const logs = [
      log,
      ...[1, 2].map(() => createAuditLog({ redis: connection(), keys, now: () => new Date() })),
    ];
    await Promise.all(Array.from({ length: 600 }, (_, n) => logs[n % 3]!.append(entry(n))));
    const seqs: number[] = [];
    for (let after = 0; after < 600; after += 200) {
      seqs.push(...(await log.page({ after, limit: 200 })).items.map((e) => e.seq));
    }
    expect(seqs).toEqual(Array.from({ length: 600 }, (_, n) => n + 1));
    expect(await log.verify()).toMatchObject({ ok: true, checked: 600 });
  });

  it('keeps the chain gap-free when two connections append concurrently', async () => {
    const other = createAuditLog({ redis: connection(), keys, now: () => new Date() });
    await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 ? log : other).append(entry(n))));
    const { items } = await log.page({ limit: 200 });
    expect(items.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
    expect(new Set(items.map((e) => e.target)).size).toBe(40);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 40 });
  });

  it('names the entry whose JSON was altered in Redis', async () => {
    for (let n = 1; n <= 6; n += 1) await log.append(entry(n));
    const stored = JSON.parse((await redis.hget(keys.audit.entries, '4'))!) as object;
    await redis.hset(keys.audit.entries, '4', JSON.stringify({ ...stored, actor: 'intruder' }));
    expect(await log.verify()).toMatchObject({ ok: false, checked: 3, brokenSeq: 4 });
  });

  it('names an entry deleted from Redis', async () => {
    for (let n = 1; n <= 3; n += 1) await log.append(entry(n));
    await redis.hdel(keys.audit.entries, '2');
    expect(await log.verify()).toMatchObject({ ok: false, checked: 1, brokenSeq: 2 });
  });

  it('names the last entry when it was replaced by one chained and hashed consistently', async () => {
    for (let n = 1; n <= 3; n += 1) await log.append(entry(n));
    const second = (await log.page({ after: 1, limit: 1 })).items[0]!;
    const forged = chainEntry(second, entry(3, { actor: 'intruder' }), new Date());
    expect(verifyChain([forged], second).ok).toBe(true);
    await redis.hset(keys.audit.entries, '3', JSON.stringify(forged));
    expect(await log.verify()).toMatchObject({ ok: false, checked: 2, brokenSeq: 3 });
  });

  it('never overwrites an entry when the head key was lost', async () => {
    await log.append(entry(1));
    await redis.del(keys.audit.head);
    const fresh = createAuditLog({ redis, keys, now: () => new Date() });
    await expect(fresh.append(entry(2))).rejects.toThrow(/AUDIT_HEAD_LOST/);
    const kept = JSON.parse((await redis.hget(keys.audit.entries, '1'))!) as { target: string };
    expect(kept.target).toBe('case-1');
  });

  it('pages after a seq, filters by actor, action and outcome, and gives a cursor until the end', async () => {
    for (let n = 1; n <= 9; n += 1) {
      await log.append(
        entry(n, {
          actor: n % 3 === 0 ? 'operator-dev-2' : 'operator-dev',
          action: n % 2 ? 'dead-letter.replay' : 'case.read-unmasked',
          outcome: n === 8 ? 'refused' : 'ok',
        }),
      );
    }
    const first = await log.page({ limit: 4 });
    expect(first.items.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(first.nextCursor).toBe('4');
    const rest = await log.page({ after: 4, limit: 10 });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.items.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9]);

    expect((await log.page({ actor: 'operator-dev-2' })).items.map((e) => e.seq)).toEqual([
      3, 6, 9,
    ]);
    const unmasked = await log.page({ action: 'case.read-unmasked', limit: 2 });
    expect(unmasked.items.map((e) => e.seq)).toEqual([2, 4]);
    expect(unmasked.nextCursor).toBe('4');
    expect((await log.page({ outcome: 'refused' })).items.map((e) => e.seq)).toEqual([8]);
  });
});
