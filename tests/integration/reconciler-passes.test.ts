// The running reconciler's passes on /metrics (metrics/reconciler-metrics.ts): a pass that fails —
// here because the shard's outbox, which every pass reads first, is a key of the wrong type
// (WRONGTYPE from real Redis) — counts as failed, and once the key is mended the passes complete
// again. Before the counter, a reconciler that no longer completed was one rate-limited warn line.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReconciler } from '../../gateway/cases/reconciler.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { uniquePrefix, waitFor } from '../support/redis.ts';

const prefix = uniquePrefix('reconciler-passes');
let gw: ApiGateway;

beforeAll(async () => {
  // The gateway's own reconciler runs at its configured interval; the one under test runs here.
  gw = await startApiGateway({ GW_KEY_PREFIX: prefix }, { relay: false });
}, 60_000);

afterAll(async () => {
  await gw?.close();
});

const passes = async (outcome: string) =>
  (await seriesValue(
    `${gw.url}/metrics`,
    'gw_reconciler_passes_total',
    `{outcome="${outcome}"}`,
  )) ?? Number.NaN;

it('counts a pass that fails on a key of the wrong type as failed, and completed ones again once it is mended', async () => {
  const outbox = redisKeys(prefix, gw.config.redisShards).shard(0).outbox;
  await gw.services.redis.set(outbox, 'not a sorted set');
  const failedBefore = await passes('failed');
  const reconciler = startReconciler(gw.services, { intervalMs: 20, ageMs: 0 }, gw.services.logger);
  try {
    await waitFor(async () => (await passes('failed')) >= failedBefore + 2, {
      what: 'two failed passes',
    });
    await gw.services.redis.del(outbox);
    const completedAfterMend = await passes('completed');
    await waitFor(async () => (await passes('completed')) >= completedAfterMend + 2, {
      what: 'two completed passes after the mend',
    });
  } finally {
    await reconciler.stop();
  }
  expect(gw.logLines().some((l) => l.msg === 'reconciler pass failed; will retry')).toBe(true);
});
