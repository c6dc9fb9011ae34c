// Child process: the dispatch baseline, a minimal BullMQ Worker on the same queue, with the same
// concurrency, making the same HTTP call with fetch (same path, headers and JSON body; the body
// built from the same case by the same wire mapping) — and nothing else: no case read, no status
// transitions, no breaker, no limiter, no logging.
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
  const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
  const worker = new Worker<DeliveryJob>(
    routeQueueName(BENCH_ADAPTER),
    async (job) => {
      const { caseId } = job.data;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          [CHENGDU_API_KEY_HEADER]: apiKey,
          'Idempotency-Key': caseId,
          'Content-Type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify({ ...template, externalRef: caseId }),
      });
      const body = JSON.parse(await res.text()) as { applicationNo?: string };
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
    { concurrency },
    {
      stop: async () => {
        await worker.close();
        await connection.quit().catch(() => connection.disconnect());
      },
    },
  );
});
