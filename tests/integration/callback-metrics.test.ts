// A worker's portal callback metrics (gateway/metrics/worker-metrics.ts, adapters/README.md#outcome-metrics):
// gw_callbacks_total{outcome} and gw_callback_request_duration_seconds on the worker's /metrics,
// read over HTTP from its operations listener. Real gateway and worker process parts
// (startWorkers, BullMQ on the test Redis); the portal is a real HTTP server on loopback that
// answers by path: 204, 503 once then 204, 410 Gone, or 503 always.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { CALLBACK_REQUEST_DURATION, CALLBACKS } from '../../gateway/metrics/worker-metrics.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { waitFor } from '../support/redis.ts';

let gw: ApiGateway;
let workers: RunningWorkers;
let portal: Server;
let portalUrl: string;
let metricsUrl: string;
/** Posts the portal received, by path. */
const posts = new Map<string, number>();

beforeAll(async () => {
  portal = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://portal').pathname;
    const n = (posts.get(path) ?? 0) + 1;
    posts.set(path, n);
    req.resume();
    req.on('end', () => {
      if (path === '/gone') res.writeHead(410).end();
      else if (path === '/busy' || (path === '/flaky' && n === 1)) res.writeHead(503).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => portal.listen(0, '127.0.0.1', () => r()));
  portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  const port = await freePort();
  gw = await startApiGateway({
    GW_WORKER_METRICS_PORT: String(port),
    GW_WORKER_METRICS_HOST: '127.0.0.1',
  });
  // No adapter workers: callbacks alone.
  workers = await startWorkers(gw.config, gw.services.logger, { adapters: [] });
  metricsUrl = `http://127.0.0.1:${workers.operations!.port}/metrics`;
});
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  portal?.close();
});

const counted = (outcome: string) => seriesValue(metricsUrl, CALLBACKS, `{outcome="${outcome}"}`);
const timedPosts = () => seriesValue(metricsUrl, `${CALLBACK_REQUEST_DURATION}_count`);

let seq = 0;
/** Queues an event callback for portal-sc to `path`, as the gateway queues one. */
async function queueCallback(path: string): Promise<string> {
  const jobId = `cb-metrics-${++seq}`;
  await gw.services.callbacks.enqueueEvent(
    {
      caseId: `case-${seq}`,
      clientId: 'portal-sc',
      url: `${portalUrl}${path}`,
      at: new Date().toISOString(),
      body: { type: 'test' },
    },
    jobId,
  );
  return jobId;
}

async function settled(jobId: string, state: 'completed' | 'failed'): Promise<void> {
  await waitFor(async () => (await gw.services.callbacks.queue.getJobState(jobId)) === state, {
    timeoutMs: 15_000,
    what: `callback ${jobId} ${state}`,
  });
}

async function snapshot() {
  return {
    delivered: await counted('delivered'),
    retry: await counted('retry'),
    failed: await counted('failed'),
    refused: await counted('refused'),
    posts: await timedPosts(),
  };
}

describe('callback metrics on the worker /metrics', () => {
  it('shows every callback outcome at 0 before the first callback', async () => {
    expect(await snapshot()).toEqual({ delivered: 0, retry: 0, failed: 0, refused: 0, posts: 0 });
  });

  it('counts a callback the portal took (204) as outcome="delivered" and times its post', async () => {
    const before = await snapshot();
    await settled(await queueCallback('/ok'), 'completed');
    expect(await snapshot()).toEqual({
      ...before,
      delivered: before.delivered! + 1,
      posts: before.posts! + 1,
    });
    const sum = await seriesValue(metricsUrl, `${CALLBACK_REQUEST_DURATION}_sum`);
    expect(sum).toBeGreaterThan(0);
  });

  it('counts a 503 then 204 as one retry and one delivered, two posts timed', async () => {
    const before = await snapshot();
    await settled(await queueCallback('/flaky'), 'completed');
    expect(posts.get('/flaky')).toBe(2);
    expect(await snapshot()).toEqual({
      ...before,
      retry: before.retry! + 1,
      delivered: before.delivered! + 1,
      posts: before.posts! + 2,
    });
  });

  it('counts a 410 Gone as outcome="failed" at once, with no retry', async () => {
    const before = await snapshot();
    await settled(await queueCallback('/gone'), 'failed');
    expect(posts.get('/gone')).toBe(1);
    expect(await snapshot()).toEqual({
      ...before,
      failed: before.failed! + 1,
      posts: before.posts! + 1,
    });
  });

  it('counts a failing post as retry while attempts remain and failed on the last (2 attempts)', async () => {
    const before = await snapshot();
    const jobId = `cb-metrics-last-${++seq}`;
    // The queue's own job options but two attempts, a short fixed backoff: the last one is quick.
    await gw.services.callbacks.queue.add(
      'event',
      {
        caseId: `case-${seq}`,
        clientId: 'portal-sc',
        url: `${portalUrl}/busy`,
        at: new Date().toISOString(),
        body: { type: 'test' },
      },
      { jobId, attempts: 2, backoff: { type: 'fixed', delay: 10 } },
    );
    await settled(jobId, 'failed');
    expect(posts.get('/busy')).toBe(2);
    expect(await snapshot()).toEqual({
      ...before,
      retry: before.retry! + 1,
      failed: before.failed! + 1,
      posts: before.posts! + 2,
    });
  });
});
