// Child process: the dispatch baseline, a minimal BullMQ Worker on the same queue, with the same
// concurrency, making the same HTTP call with fetch (same path, headers and JSON body; the body
// built from the same case by the same wire mapping) — and nothing else: no case read, no status
// transitions, no breaker, no limiter, no logging. With BENCH_BASELINE_CLIENT=node-http
// (`--baseline-client node-http`) it makes the call with node:http over a keep-alive agent
// instead, the client the adapters use (adapters/kit/http-backend.ts).
import { Agent, request } from 'node:http';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { toDeliveryRequest } from '../../adapters/kit/delivery-request.ts';
import {
  CHENGDU_API_KEY_HEADER,
  CHENGDU_APPLICATIONS_PATH,
  toApplication,
} from '../../adapters/sc-chengdu/sc-chengdu-wire.ts';
import type { DeliveryJob } from '../../gateway/queues/case-queues.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { BENCH_ADAPTER, benchEnvelope, benchRecord } from './bench-case.ts';
import { runChild, serveParent } from './ipc.ts';

await runChild(async () => {
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const url = `${process.env.BENCH_BACKEND_URL ?? ''}${CHENGDU_APPLICATIONS_PATH}`;
  const apiKey = process.env.BENCH_BACKEND_API_KEY ?? '';
  const template = toApplication(
    toDeliveryRequest(benchRecord('template', new Date().toISOString()), benchEnvelope(), 'x'),
  );
  const headers = {
    Accept: 'application/json',
    [CHENGDU_API_KEY_HEADER]: apiKey,
    'Content-Type': 'application/json; charset=utf-8',
  };
  const agent = new Agent({ keepAlive: true });
  const target = new URL(url);
  const post =
    process.env.BENCH_BASELINE_CLIENT === 'node-http'
      ? (caseId: string, body: string) =>
          new Promise<{ ok: boolean; status: number; text: string }>((resolve, reject) => {
            const req = request(
              {
                hostname: target.hostname,
                port: target.port,
                path: target.pathname,
                method: 'POST',
                agent,
                headers: {
                  ...headers,
                  'Idempotency-Key': caseId,
                  'Content-Length': Buffer.byteLength(body),
                },
              },
              (res) => {
                res.setEncoding('utf8');
                let text = '';
                res.on('data', (chunk: string) => (text += chunk));
                res.on('end', () => {
                  const status = res.statusCode ?? 0;
                  resolve({ ok: status >= 200 && status < 300, status, text });
                });
                res.on('error', reject);
              },
            );
            req.on('error', reject);
            req.end(body);
          })
      : async (caseId: string, body: string) => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { ...headers, 'Idempotency-Key': caseId },
            body,
          });
          return { ok: res.ok, status: res.status, text: await res.text() };
        };
  const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
  const worker = new Worker<DeliveryJob>(
    routeQueueName(BENCH_ADAPTER),
    async (job) => {
      const { caseId } = job.data;
      const res = await post(caseId, JSON.stringify({ ...template, externalRef: caseId }));
      const body = JSON.parse(res.text) as { applicationNo?: string };
      if (!res.ok || !body.applicationNo) throw new Error(`backend answered ${res.status}`);
      return body.applicationNo;
    },
    {
      connection,
      prefix: redisKeys(process.env.GW_KEY_PREFIX ?? 'gw').queuePrefix(
        routeQueueName(BENCH_ADAPTER),
      ),
      concurrency,
    },
  );
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  serveParent(
    { concurrency, client: process.env.BENCH_BASELINE_CLIENT ?? 'fetch' },
    {
      stop: async () => {
        await worker.close();
        await connection.quit().catch(() => connection.disconnect());
      },
    },
  );
});
