// Posts portal callbacks, signed with the portal's own secret by the scheme of
// gateway/README.md#authentication-and-signing (X-Gw-Client: gateway), so a portal verifies them
// with the code it already has. A 410 Gone stops the retries for that callback; anything else
// non-2xx is retried with backoff.
import { UnrecoverableError, Worker } from 'bullmq';
import type { RedisClient } from '../shared/redis.ts';
import type { ClientRegistry } from '../auth/client-registry.ts';
import { phaseOf } from '../cases/case-status.ts';
import { signRequest } from '../client/gateway-client.ts';
import type { Logger } from '../shared/logger.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { CALLBACK_QUEUE, type RedisKeys } from '../shared/redis-keys.ts';
import type { CallbackJob, CallbackJobData } from './callback-queue.ts';

export const CALLBACK_CLIENT_ID = 'gateway';

export function startCallbackWorker(deps: {
  connection: RedisClient;
  keys: RedisKeys;
  clients: ClientRegistry;
  log: Logger;
  timeoutMs?: number;
}): Worker<CallbackJobData> {
  const worker = new Worker<CallbackJobData>(
    CALLBACK_QUEUE,
    async (job) => {
      const { clientId, url } = job.data;
      const client = deps.clients.get(clientId);
      if (!client) throw new UnrecoverableError(`client ${clientId} no longer registered`);
      const body = JSON.stringify('body' in job.data ? job.data.body : statusBody(job.data));
      const target = new URL(url);
      const headers = signRequest(
        { clientId: CALLBACK_CLIENT_ID, secret: client.secret },
        { method: 'POST', url: `${target.pathname}${target.search}`, body },
      );
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 410) throw new UnrecoverableError('portal answered 410 Gone');
      if (res.status < 200 || res.status >= 300) throw new Error(`portal answered ${res.status}`);
    },
    { connection: deps.connection, prefix: deps.keys.queuePrefix(CALLBACK_QUEUE), concurrency: 8 },
  );
  worker.on('failed', (job, error) => {
    deps.log.warn(
      { caseId: job?.data.caseId, attempt: job?.attemptsMade, reason: error.message },
      'callback failed',
    );
  });
  // BullMQ repeats its connection error on every retry: one line a second, with a count.
  const errors = rateLimitedLog(deps.log);
  worker.on('error', (error) =>
    errors.warn('callback-worker-error', { err: error }, 'callback worker error'),
  );
  return worker;
}

function statusBody({ caseId, status, sequence, at, result }: CallbackJob) {
  return {
    caseId,
    status,
    phase: phaseOf(status),
    sequence,
    at,
    ...(result === undefined ? {} : { result }),
    links: { self: `/v1/cases/${caseId}` },
  };
}
