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

  it('gives every BullMQ queue a hash tag of its own, so each queue is one Redis Cluster slot', () => {
    const queues = ['route-sc', 'route-sc-chengdu', 'route-yn', 'callbacks'];
    const tags = queues.map((q) => hashTag(`${keys.queuePrefix(q)}:${q}:wait`));
    expect(tags).toEqual(queues);
    expect(keys.queuePrefix('route-sc')).toBe('gw:bull:{route-sc}');
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
      prefixed.supervision.due,
      prefixed.supervision.subject('case', parent),
      prefixed.rating('53').evaluation(parent, 'handling'),
      prefixed.evaluationIdempotency('portal-sc', 'ab12'),
      prefixed.audit.head,
      prefixed.audit.entries,
      prefixed.queuePrefix('route-sc'),
      prefixed.console.session('ab12'),
      prefixed.console.failures('ip', '127.0.0.1'),
    ]) {
      expect(key.startsWith('t-x:')).toBe(true);
    }
  });

  it('puts both audit chain keys under the one hash tag {audit}', () => {
    const all = [keys.audit.head, keys.audit.entries];
    expect(new Set(all.map(hashTag))).toEqual(new Set(['audit']));
    expect(new Set(all).size).toBe(2);
  });

  it('puts every key of the 督办 board under the one hash tag {supervise}', () => {
    const k = keys.supervision;
    const all = [
      k.due,
      k.deadlines,
      k.gauges,
      k.notices,
      k.noticesOf('53'),
      k.notice('NT01JNOTICE000000000000000'),
      k.subject('case', parent),
      k.subject('rectification', 'RC5301JRECT00000000000000000'),
    ];
    expect(new Set(all.map(hashTag))).toEqual(new Set(['supervise']));
    expect(new Set(all).size).toBe(all.length);
  });

  it('puts the 好差评 keys of one rated province under its own hash tag', () => {
    const of = (province: string) => {
      const k = keys.rating(province);
      const rect = `RC${province}01JRECT00000000000000000000`;
      return [
        k.evaluation(parent, 'handling'),
        k.evaluation(parent, 'collecting'),
        k.windows,
        k.rectification(rect),
        k.rectificationHistory(rect),
        k.rectificationEvents(rect),
        k.rectifications,
        k.rectificationsIn('OPEN'),
        k.rectificationsOf('portal-sc'),
        k.statsTotal,
        k.statsDay('2026-10-09'),
        k.statsDays,
      ];
    };
    expect(new Set(of('53').map(hashTag))).toEqual(new Set(['rating:53']));
    expect(new Set(of('51').map(hashTag))).toEqual(new Set(['rating:51']));
    expect(new Set(of('53')).size).toBe(of('53').length);
  });
});
