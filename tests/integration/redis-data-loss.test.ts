// A Redis restarted without its data under running gateways (README.md#redis-durability): PING
// answers as before, so /readyz used to stay 200 with nothing said and nothing logged while every
// case, queue and session was gone. Now the gateway finds its mark (`<prefix>:redis-epoch`) gone
// within a reconcile interval, logs an error and /readyz carries the `redis-data-lost` warning
// (still 200: new submissions are taken). A restart with the AOF keeps the mark: no warning. A real
// gateway process on a redis-server of this file's own, restarted on the same port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { uniquePrefix, waitFor } from '../support/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'swgw-data-loss-'));
const emptyDir = mkdtempSync(join(tmpdir(), 'swgw-data-loss-empty-'));
let redis: PrivateRedis;
let gw: GatewayProcess;

beforeAll(async () => {
  redis = await startPrivateRedis({ dir, persistent: true });
  gw = await startGatewayProcess(uniquePrefix('data-loss'), {
    REDIS_URL: redis.url,
    GW_RECONCILE_INTERVAL_MS: '200',
  });
}, 60_000);
afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
  for (const d of [dir, emptyDir]) rmSync(d, { recursive: true, force: true });
});

interface Ready {
  status: string;
  warnings?: { code: string; detectedAt?: string }[];
}
const readyz = async () => {
  const res = await fetch(`${gw.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Ready };
};
const lossWarnings = (body: Ready) =>
  (body.warnings ?? []).filter((w) => w.code === 'redis-data-lost');
/** Passes of the reconciler, which runs on the same interval as the look at the mark. */
const passes = async () =>
  (await seriesValue(`${gw.url}/metrics`, 'gw_reconciler_passes_total', '{outcome="completed"}')) ??
  0;

describe('a Redis restarted under a running gateway', () => {
  it('with its AOF: ready again, no data-lost warning', async () => {
    await redis.stop();
    redis = await startPrivateRedis({ dir, persistent: true, port: redis.port });
    await waitFor(async () => (await readyz()).status === 200, { what: 'ready again' });
    const after = await passes();
    await waitFor(async () => (await passes()) >= after + 3, { what: 'three passes since' });
    expect(lossWarnings((await readyz()).body)).toEqual([]);
    expect(gw.output()).not.toContain('Redis came back without its data');
  });

  it('without its data: still ready, with the redis-data-lost warning, and an error logged', async () => {
    await redis.stop();
    redis = await startPrivateRedis({ dir: emptyDir, persistent: false, port: redis.port });
    const answer = await waitFor(
      async () => {
        const r = await readyz();
        return r.status === 200 && lossWarnings(r.body).length > 0 ? r : undefined;
      },
      { timeoutMs: 10_000, what: 'the redis-data-lost warning' },
    );
    expect(answer!.body.status).toBe('ready');
    expect(lossWarnings(answer!.body)).toEqual([
      expect.objectContaining({ code: 'redis-data-lost', detectedAt: expect.any(String) }),
    ]);
    await waitFor(() => gw.output().includes('Redis came back without its data'), {
      what: 'the error line',
    });
  });
});
