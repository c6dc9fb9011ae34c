// The console's lock-out counters name no one (gateway/console/README.md#security): key names are
// not encrypted at rest and show in `redis-cli --scan`, MONITOR, the slow log and backups, so a
// count of failed sign-ins is named by an HMAC of what it counts (an operator id, a client
// address) under a key derived from the current data key, never by the id or the address. The
// gateway runs on a Redis of this file's own, so the walk over the whole keyspace sees every key
// the gateway wrote and no other file's. The lock-out still locks and lifts as before, and starts
// over under another current data key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { ownRedis, plainRedis, testDataKeys, waitFor } from '../../support/redis.ts';

let own: Awaited<ReturnType<typeof ownRedis>>;
let gw: ApiGateway;
let redis: ReturnType<typeof plainRedis>;
const at = () => new ConsoleClient(gw.url);
/** A well-formed id of no operator: counted under its own name before, like a registered one. */
const UNKNOWN_ID = 'operator-probe-7f3a';

beforeAll(async () => {
  own = await ownRedis('console-lockout');
  redis = plainRedis(own.url);
  gw = await startApiGateway(
    { GW_CONSOLE_LOCK_AFTER_FAILURES: '3', GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '5' },
    { redisUrl: own.url },
  );
}, 60_000);
afterAll(async () => {
  await gw?.close();
  redis?.disconnect();
  await own?.stop();
});

/** Every key name in the Redis, by SCAN over the whole keyspace. */
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'COUNT', '1000');
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

const failureKeys = async () =>
  (await allKeys()).filter((k) => k.startsWith(`${gw.config.keyPrefix}:console:failures:`));

describe('lock-out counters in Redis', () => {
  it('names neither the client address nor the operator id in any key, and still locks both', async () => {
    for (let i = 0; i < 3; i++)
      expect((await at().signIn('operator-readonly', `wrong-${i}`)).status).toBe(401);
    // The operator id is locked: even its right password is refused.
    expect((await at().signIn('operator-readonly')).status).toBe(429);
    for (let i = 0; i < 2; i++)
      expect((await at().signIn(UNKNOWN_ID, 'guess-1234')).status).toBe(401);
    // Five failures from 127.0.0.1 lock the address, for every id.
    expect((await at().signIn('operator-dev')).status).toBe(429);

    const keys = await allKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.includes('127.0.0.1'))).toEqual([]);
    expect(keys.filter((k) => k.includes('operator-readonly') || k.includes(UNKNOWN_ID))).toEqual(
      [],
    );
    // One counter per operator id and one for the address, each an HMAC-SHA-256 in base64url.
    const counters = await failureKeys();
    expect(counters).toHaveLength(3);
    for (const key of counters)
      expect(key).toMatch(
        new RegExp(`^${gw.config.keyPrefix}:console:failures:[A-Za-z0-9_-]{43}$`),
      );
    const lock = (await gw.services.audit.page({ action: 'console.lock-out' })).items;
    expect(lock.map((e) => e.target).sort()).toEqual(['client address', 'operator id']);
  });

  it('lifts the locks when their window ends, and a right password then signs in', async () => {
    const counters = await failureKeys();
    expect(counters).toHaveLength(3);
    // Each lock lasts consoleLockMinutes (15) from the failure that closed it.
    for (const key of counters) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(14 * 60_000);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    }
    expect((await at().signIn('operator-readonly')).status).toBe(429);
    // The window ends: the counters expire as their TTL would have them.
    for (const key of counters) await redis.pexpire(key, 1);
    await waitFor(async () => (await failureKeys()).length === 0, { what: 'the counters expired' });
    expect((await at().signIn('operator-readonly')).status).toBe(303);
  });

  it("clears an operator id's count on a right password, not the address's", async () => {
    for (let i = 0; i < 2; i++)
      expect((await at().signIn('operator-dev-2', `wrong-${i}`)).status).toBe(401);
    expect((await at().signIn('operator-dev-2')).status).toBe(303);
    // Had its count stayed at two, the first of these would have locked the id and the second
    // been refused as locked (429).
    for (let i = 0; i < 2; i++)
      expect((await at().signIn('operator-dev-2', `again-${i}`)).status).toBe(401);
    // The address kept counting (2 + 2): a fifth failure, under another id, closes its lock.
    expect((await at().signIn('operator-dev', 'once-more')).status).toBe(401);
    expect((await at().signIn('operator-dev-2')).status).toBe(429);
    const lock = (await gw.services.audit.page({ action: 'console.lock-out' })).items;
    expect(lock.filter((e) => e.target === 'client address')).toHaveLength(2);
  });

  it('starts the windows over once another data key is current (documented on rotation)', async () => {
    expect((await at().signIn('operator-dev')).status).toBe(429);
    const rotated = await startApiGateway(
      {
        GW_KEY_PREFIX: gw.config.keyPrefix,
        GW_DATA_KEYS: `${generateDataKeys('k2')},${testDataKeys()}`,
        GW_CONSOLE_LOCK_AFTER_FAILURES: '3',
        GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '5',
      },
      { redisUrl: own.url, data: gw.data },
    );
    try {
      expect((await new ConsoleClient(rotated.url).signIn('operator-dev')).status).toBe(303);
      // The gateway still on the old key keeps its lock until the window ends.
      expect((await at().signIn('operator-dev')).status).toBe(429);
    } finally {
      await rotated.close();
    }
  });
});
