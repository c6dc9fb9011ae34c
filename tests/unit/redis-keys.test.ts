// Every Redis key under the configured prefix, and the keys of one case family (a joint parent and
// its children) sharing one Redis Cluster hash tag (gateway/shared/redis-keys.ts).
import { describe, expect, it } from 'vitest';
import { caseFamilyId, redisKeys } from '../../gateway/shared/redis-keys.ts';

const keys = redisKeys('gw');
const parent = '01JCASE0000000000000000002';

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open !== -1 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('redis keys', () => {
  it('puts a joint parent, its children and all their keys under one hash tag', () => {
    const family = [parent, `${parent}-1`, `${parent}-12`];
    const all = family.flatMap((id) => [keys.case(id), keys.history(id), keys.events(id)]);
    expect(new Set(all.map(hashTag))).toEqual(new Set([parent]));
    expect(new Set(all).size).toBe(all.length);
    expect(caseFamilyId(`${parent}-12`)).toBe(parent);
  });

  it('keeps every key under the prefix', () => {
    const prefixed = redisKeys('t-x');
    for (const key of [
      prefixed.case(parent),
      prefixed.history(parent),
      prefixed.events(parent),
      prefixed.outbox,
      prefixed.deadLetters,
      prefixed.idempotency('portal-sc', 'ab12'),
      prefixed.nonce('portal-sc', 'n'.repeat(16)),
      prefixed.rateLimit(200),
      prefixed.supervision('overdue'),
      prefixed.bull,
    ]) {
      expect(key.startsWith('t-x:')).toBe(true);
    }
  });
});
