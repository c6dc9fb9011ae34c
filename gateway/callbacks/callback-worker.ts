// Posts portal callbacks, signed with the portal's own secret by the scheme of
// gateway/README.md#authentication-and-signing (X-Gw-Client: gateway), so a portal verifies them
// with the code it already has (in HMAC-SHA256, or HMAC-SM3 for a portal registered for it alone). A 410 Gone stops the retries for that callback; anything else
// non-2xx is retried with backoff. In production a callback whose host is, or resolves to, an
// address that is not public unicast is refused for good (callback-address.ts): logged with its
// host and why, never the URL's path or query (a portal may put a token there).
// Each run's outcome is counted in gw_callbacks_total{outcome} on the worker's registry
// (gateway/metrics/worker-metrics.ts): delivered, retry (attempts remain), failed (given up: the
// last attempt, a 410, a portal no longer registered) or refused; the post itself is timed in
// gw_callback_request_duration_seconds.
// An https callback is posted as a browser would: the portal's certificate verified against the
// CAs Node trusts (its bundle, and NODE_EXTRA_CA_CERTS, read at start), the host sent as SNI; a
// failed handshake is a transient failure whose reason says TLS and what is wrong
// (callback-tls-failure.ts).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '../shared/redis.ts';
import type { ClientRegistry } from '../auth/client-registry.ts';
import { phaseOf } from '../cases/case-status.ts';
import { signRequest } from '../client/gateway-client.ts';
import type { SignatureMethod } from '../client/signing.ts';
import type { Logger } from '../shared/logger.ts';
import type { CallbackOutcomeLabel, WorkerMetrics } from '../metrics/worker-metrics.ts';
import { exchange } from '../shared/http-exchange.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import { CALLBACK_QUEUE, type RedisKeys } from '../shared/redis-keys.ts';
import { callbackAgents, refusedAddress } from './callback-address.ts';
import { callbackTlsFailure } from './callback-tls-failure.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import type { CallbackJob, CallbackJobData } from './callback-queue.ts';
import { openCallbackResult, sealCallbackResult } from './callback-result.ts';
import { callbackHost, callbackUrlProblem } from './callback-url.ts';

export const CALLBACK_CLIENT_ID = 'gateway';

/**
 * HMAC-SHA256, as every callback was signed before, for a portal that may sign with it; a portal
 * registered for HMAC-SM3 alone (GB/T 39786's national algorithms) is answered in the method it
 * may use, which its verifier reads from X-Gw-Signature-Method.
 */
export function callbackSignatureMethod(allowed: readonly SignatureMethod[]): SignatureMethod {
  return allowed.includes('HMAC-SHA256') ? 'HMAC-SHA256' : (allowed[0] ?? 'HMAC-SHA256');
}

/** A callback never posted: its address is not one a production gateway calls. */
class CallbackRefusedError extends UnrecoverableError {}

/** What a failed run came to: refused, given up for good, or to be tried again. */
function failedOutcome(error: unknown, job: Job<CallbackJobData>): CallbackOutcomeLabel {
  if (error instanceof CallbackRefusedError) return 'refused';
  if (error instanceof UnrecoverableError) return 'failed';
  // attemptsMade counts the runs before this one.
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'failed' : 'retry';
}

export function startCallbackWorker(deps: {
  connection: RedisClient;
  keys: RedisKeys;
  clients: ClientRegistry;
  /** Opens the result a status job carries sealed (callback-result.ts). */
  sealer: Sealer;
  log: Logger;
  /** Production: call public unicast addresses only (the switch callback-url.ts judges by). */
  production: boolean;
  /** Where each run's outcome and post duration are counted (the worker's registry). */
  metrics: Pick<WorkerMetrics, 'callback' | 'callbackRequest'>;
  /** The resolver; default dns.lookup. Tests give a fake DNS, as nock fakes a province. */
  lookup?: LookupFunction;
  timeoutMs?: number;
}): Worker<CallbackJobData> {
  const agents = callbackAgents({ production: deps.production, lookup: deps.lookup });
  const timeoutMs = deps.timeoutMs ?? 5000;
  const refuse = (job: { data: CallbackJobData }, host: string, reason: string): never => {
    const { caseId, clientId } = job.data;
    deps.log.warn({ caseId, clientId, host, reason }, 'callback refused');
    throw new CallbackRefusedError(`callback refused: ${reason}`);
  };
  const post = async (job: Job<CallbackJobData>): Promise<void> => {
    const { clientId, url } = job.data;
    const client = deps.clients.get(clientId);
    if (!client) throw new UnrecoverableError(`client ${clientId} no longer registered`);
    const body = JSON.stringify(
      'body' in job.data ? job.data.body : statusBody(job.data, deps.sealer),
    );
    const target = new URL(url);
    // Judged at submission already; again here because an address written in the URL is never
    // looked up (the connect goes straight to it), and the job may predate production mode.
    const problem = callbackUrlProblem(url, deps.production);
    if (problem) refuse(job, target.hostname, `callbackUrl ${problem}`);
    // While the client's secret rotates, the callback is signed with the previous secret: the one
    // the portal knows in every step of the rotation (README.md#rotating-a-clients-secret). Signed
    // with the new one from step 1, it would be refused by a portal not yet switched (step 2).
    const headers = signRequest(
      {
        clientId: CALLBACK_CLIENT_ID,
        secret: client.previousSecret ?? client.secret,
        signatureMethod: callbackSignatureMethod(client.signatureMethods),
      },
      { method: 'POST', url: `${target.pathname}${target.search}`, body },
    );
    const https = target.protocol === 'https:';
    const started = performance.now();
    // node:http, not fetch (whose WHATWG layer cost about twice the CPU per post): a redirect is
    // an answer, never followed, so a 3xx cannot lead elsewhere and is retried like any non-2xx;
    // the answer's body is read and dropped (64 KiB at most), its status decides; the timeout
    // covers the whole post.
    const res = await exchange({
      request: https ? httpsRequest : httpRequest,
      agent: https ? agents.https : agents.http,
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      // The User-Agent undici's fetch sent, so a portal's front door that filters on it sees no
      // change.
      headers: {
        ...headers,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': 'undici',
      },
      body,
      timeoutMs,
      read: 'status',
    }).catch((error: unknown) => {
      const refused = refusedAddress(error);
      if (refused) refuse(job, refused.host, refused.message);
      deps.metrics.callbackRequest((performance.now() - started) / 1000);
      throw callbackTlsFailure(error) ?? error;
    });
    deps.metrics.callbackRequest((performance.now() - started) / 1000);
    if (res.status === 410) throw new UnrecoverableError('portal answered 410 Gone');
    if (res.status < 200 || res.status >= 300) throw new Error(`portal answered ${res.status}`);
  };
  const worker = new Worker<CallbackJobData>(
    CALLBACK_QUEUE,
    async (job) => {
      try {
        await sealCarriedResult(job, deps.sealer);
        await post(job);
      } catch (error) {
        deps.metrics.callback(failedOutcome(error, job));
        throw error;
      }
      deps.metrics.callback('delivered');
    },
    { connection: deps.connection, prefix: deps.keys.queuePrefix(CALLBACK_QUEUE), concurrency: 8 },
  );
  // The portal and the host it is reached at, so an operator sees whose front door is failing
  // without opening the job: the host only, never the URL's path or query (a portal may put a
  // token there).
  worker.on('failed', (job, error) => {
    deps.log.warn(
      {
        caseId: job?.data.caseId,
        clientId: job?.data.clientId,
        host: job ? callbackHost(job.data.url) : undefined,
        attempt: job?.attemptsMade,
        reason: failureReason(error),
      },
      'callback failed',
    );
  });
  worker.on('closed', () => agents.destroy());
  // BullMQ repeats its connection error on every retry: one line a second, with a count.
  const errors = rateLimitedLog(deps.log);
  worker.on('error', (error) =>
    errors.warn('callback-worker-error', { err: error }, 'callback worker error'),
  );
  return worker;
}

/**
 * Why an attempt failed: the socket's or resolver's own message names host and address
 * (`getaddrinfo ENOTFOUND portal.example`, `connect ECONNREFUSED 203.0.113.9:443`), never the
 * URL's path or query. A connection tried at several addresses fails with all their errors.
 */
function failureReason(error: Error): string {
  return error instanceof AggregateError && !error.message
    ? error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ')
    : error.message;
}

/**
 * A status job queued by a gateway of the previous version carries its masked result in clear
 * (`result`): sealed in place at its first run here, before the post, so it no longer waits in
 * Redis in clear through its retries and the day it is kept once delivered (7 once failed). It is
 * posted with the same result. A job failed for good before the upgrade is run again only when
 * replayed; until then it keeps its `result` in clear.
 */
async function sealCarriedResult(job: Job<CallbackJobData>, sealer: Sealer): Promise<void> {
  const data = job.data;
  if ('body' in data || data.result === undefined || data.sealedResult !== undefined) return;
  const { result, ...rest } = data;
  await job.updateData({ ...rest, sealedResult: sealCallbackResult(sealer, data, result) });
}

function statusBody(job: CallbackJob, sealer: Sealer) {
  const { caseId, status, sequence, at, sealedResult } = job;
  // A job queued by a gateway of the previous version and not sealed yet (sealCarriedResult)
  // carries the masked result in clear.
  let carried: { result: unknown } | undefined =
    job.result === undefined ? undefined : { result: job.result };
  if (sealedResult !== undefined) {
    carried = openCallbackResult(sealer, { caseId, sequence, sealedResult });
    // Trying again would not open it either: failed for good, listed with the failed callbacks.
    if (!carried) throw new UnrecoverableError('its sealed result does not open here');
  }
  return {
    caseId,
    status,
    phase: phaseOf(status),
    sequence,
    at,
    ...(carried === undefined ? {} : { result: carried.result }),
    links: { self: `/v1/cases/${caseId}` },
  };
}
