// An operator action whose gateway process stops before the action has ended
// (gateway/audit/action-intents.ts): its intent, written before it ran, stays in Redis, and a
// gateway records it in the chain as `failed`, interrupted — once, however many look, and not lost
// when that record is refused (the intent goes only with its entry, in one step). An action
// that ends, well or not, leaves no intent. On a real Redis; the process that stops is an action
// whose run never ends, abandoned as a killed process abandons it, and then a real gateway process
// that finds it.
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_AFTER_MS, INTERRUPTED_REASON } from '../../../gateway/audit/action-intents.ts';
import { createAuditLog, type AuditLog } from '../../../gateway/audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../../../gateway/audit/operator-audit.ts';
import { GatewayError } from '../../../gateway/shared/errors.ts';
import { redisKeys, type RedisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startGatewayProcess } from '../../support/gateway-process.ts';
import { plainRedis, uniquePrefix, waitFor } from '../../support/redis.ts';
import { testClock } from '../../support/test-clock.ts';

const connections: Redis[] = [];
function connection(): Redis {
  const redis = plainRedis();
  connections.push(redis);
  return redis;
}
afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

const request: OperatorRequest = {
  operator: { id: 'operator-dev', kind: 'operator', rights: ['replay'] },
  requestId: 'req-interrupted-1',
};
const replay = {
  action: 'dead-letter.replay',
  target: '01M8Z57G98EYCDVFMPNMWQ2B08',
  right: 'replay',
} as const;

let prefix: string;
let keys: RedisKeys;
const clock = testClock('2026-12-04T02:00:00Z');
let log: AuditLog;
beforeEach(() => {
  prefix = uniquePrefix('interrupted');
  keys = redisKeys(prefix);
  clock.set('2026-12-04T02:00:00Z');
  log = createAuditLog({ redis: connection(), keys, now: clock.now });
});

/** The action as a process that is then killed leaves it: begun, never ended. */
function abandoned(audit: AuditLog): void {
  void auditedAction(audit, request, replay, () => new Promise<never>(() => undefined));
}

describe('an operator action', () => {
  it('that ends, done or failed, leaves its outcome in the chain and no intent', async () => {
    await auditedAction(log, request, replay, async () => 'queued');
    await expect(
      auditedAction(log, request, replay, () =>
        Promise.reject(new GatewayError('GW_NOT_FOUND', { detail: 'no such dead letter' })),
      ),
    ).rejects.toThrow();
    expect((await log.page({})).items.map((e) => e.outcome)).toEqual(['ok', 'failed']);
    expect(await connection().hlen(keys.audit.intents)).toBe(0);
    expect(await log.intents.recordInterrupted(0)).toBe(0);
  });

  it('whose process stopped is recorded once as failed, interrupted, 10 minutes after it began, however many gateways look at once', async () => {
    abandoned(log);
    await waitFor(async () => (await connection().hlen(keys.audit.intents)) === 1, {
      what: 'the intent written',
    });
    const gateways = [1, 2, 3].map(() =>
      createAuditLog({ redis: connection(), keys, now: clock.now }),
    );
    clock.advance(INTERRUPTED_AFTER_MS - 1);
    expect(await Promise.all(gateways.map((g) => g.intents.recordInterrupted()))).toEqual([
      0, 0, 0,
    ]);
    expect((await log.page({})).items).toEqual([]);
    clock.advance(1);
    const recorded = await Promise.all(gateways.map((g) => g.intents.recordInterrupted()));
    expect(recorded.reduce((a, b) => a + b)).toBe(1);
    const { items } = await log.page({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: 'operator-dev',
      action: 'dead-letter.replay',
      target: replay.target,
      outcome: 'failed',
      requestId: request.requestId,
      reason: `${INTERRUPTED_REASON} (started 2026-12-04T02:00:00.000Z)`,
    });
    expect(await connection().hlen(keys.audit.intents)).toBe(0);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 1 });
  });

  it('whose record Redis refused keeps its intent, so the next look records it: the entry and the intent’s removal are one step', async () => {
    abandoned(log);
    await waitFor(async () => (await connection().hlen(keys.audit.intents)) === 1, {
      what: 'the intent written',
    });
    clock.advance(INTERRUPTED_AFTER_MS);
    // The chain's entries key of the wrong type: Redis refuses the append's step.
    await connection().set(keys.audit.entries, 'not a hash');
    await expect(log.intents.recordInterrupted()).rejects.toThrow(/WRONGTYPE/);
    expect(await connection().hlen(keys.audit.intents)).toBe(1);
    await connection().del(keys.audit.entries);
    expect(await log.intents.recordInterrupted()).toBe(1);
    expect((await log.page({})).items.map((e) => [e.action, e.outcome])).toEqual([
      ['dead-letter.replay', 'failed'],
    ]);
    expect(await connection().hlen(keys.audit.intents)).toBe(0);
    expect(await log.intents.recordInterrupted()).toBe(0);
  });
});

describe('a gateway process', () => {
  it('records an action another process left unfinished, within its reconcile interval', async () => {
    // Begun eleven minutes before the gateway's own clock: its process died then.
    const earlier = createAuditLog({
      redis: connection(),
      keys,
      now: () => new Date(Date.now() - INTERRUPTED_AFTER_MS - 60_000),
    });
    abandoned(earlier);
    await waitFor(async () => (await connection().hlen(keys.audit.intents)) === 1, {
      what: 'the intent written',
    });
    const gateway = await startGatewayProcess(prefix, { GW_RECONCILE_INTERVAL_MS: '200' });
    try {
      await waitFor(async () => (await log.page({})).items.length === 1, {
        timeoutMs: 30_000,
        what: 'the interrupted action in the chain',
      });
      expect((await log.page({})).items[0]).toMatchObject({
        action: 'dead-letter.replay',
        outcome: 'failed',
      });
      expect(await connection().hlen(keys.audit.intents)).toBe(0);
    } finally {
      await gateway.stop();
    }
    expect(gateway.output()).toContain(
      'operator actions whose gateway stopped before they ended recorded in the audit chain',
    );
  }, 60_000);
});
