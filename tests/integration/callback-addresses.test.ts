// Where a callback connects (gateway/README.md#callbacks): in production the callback worker
// refuses, for good, a host any of whose resolved addresses is not public unicast, and connects to
// the addresses it judged, never resolving again in between (DNS rebinding). Real Redis, a real
// BullMQ worker, real HTTP servers on loopback as the internal hosts; the resolver is the network
// edge, so a fake DNS (the worker's `lookup`) stands in for it, as nock does for a province.
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import type { Job, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { CallbackQueue, type CallbackJobData } from '../../gateway/callbacks/callback-queue.ts';
import { startCallbackWorker } from '../../gateway/callbacks/callback-worker.ts';
import {
  CALLBACK_REQUEST_DURATION,
  CALLBACKS,
  createWorkerMetrics,
  type WorkerMetrics,
} from '../../gateway/metrics/worker-metrics.ts';
import { createRedis, type RedisClient } from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { loadDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { createSealer } from '../../gateway/personal-data/sealed-data.ts';
import { testDataKeys, testRedisUrl, uniquePrefix, waitFor } from '../support/redis.ts';
import { memoryLogger } from '../support/test-gateway.ts';
import { seriesIn } from '../support/metrics-text.ts';

/** IANA's address for example.com: public unicast. */
const PUBLIC = '93.184.215.14';

// The fake DNS: per name, what its n-th question (from 1) is answered.
type Answer = LookupAddress[] | NodeJS.ErrnoException;
const zone = new Map<string, (n: number) => Answer>();
const asked = new Map<string, number>();
const fakeDns: LookupFunction = (hostname, _options, callback) => {
  const n = (asked.get(hostname) ?? 0) + 1;
  asked.set(hostname, n);
  const answer = zone.get(hostname)?.(n) ?? dnsError('ENOTFOUND', hostname);
  // Answered later, as a resolver does.
  setImmediate(() => (answer instanceof Error ? callback(answer, '') : callback(null, answer)));
};

function dnsError(code: string, hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ${code} ${hostname}`);
  error.code = code;
  return error;
}

const a = (address: string): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 });

/** An internal host: every TCP connection it accepts and every request it answers (204). */
interface InternalHost {
  server: Server;
  connections: number;
  requests: string[];
}

async function internalHost(address: string, port = 0): Promise<InternalHost> {
  const host: InternalHost = {
    server: createServer((req, res) => {
      host.requests.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    }),
    connections: 0,
    requests: [],
  };
  host.server.on('connection', () => host.connections++);
  await new Promise<void>((r) => host.server.listen(port, address, () => r()));
  return host;
}

interface Side {
  queue: CallbackQueue;
  metrics: WorkerMetrics;
  worker: Worker<CallbackJobData>;
  lines: () => Record<string, unknown>[];
}

let redis: RedisClient;
let internal: InternalHost;
let other: InternalHost;
let port: number;
let production: Side;
let development: Side;
/** Development, with a deadline no test waits for: what it settles, it settles before. */
let patient: Side;
let seq = 0;

function startSide(isProduction: boolean, timeoutMs = 2000): Side {
  const keys = redisKeys(uniquePrefix(isProduction ? 'cb-addr-prod' : 'cb-addr-dev'));
  const { logger, lines } = memoryLogger();
  const metrics = createWorkerMetrics();
  const queue = new CallbackQueue(redis, keys, {
    jobRetentionSeconds: 3600,
    jobRetentionCount: 100,
  });
  const worker = startCallbackWorker({
    connection: redis,
    keys,
    clients: loadClientRegistry({ env: 'test' }),
    sealer: createSealer(loadDataKeys({ env: 'test', dataKeys: testDataKeys() })),
    log: logger,
    production: isProduction,
    metrics,
    lookup: fakeDns,
    // Bounds the rebinding test's first attempt, to a public address this machine need not reach.
    timeoutMs,
  });
  return { queue, metrics, worker, lines };
}

/** Queues a callback to `url` and waits until it is delivered or has failed for good. */
async function deliver(side: Side, url: string) {
  const caseId = `case-${++seq}`;
  const jobId = `job-${seq}`;
  await side.queue.enqueueEvent(
    { caseId, clientId: 'portal-sc', url, at: new Date().toISOString(), body: { type: 'test' } },
    jobId,
  );
  const settled = await waitFor<{ job: Job<CallbackJobData>; state: string } | undefined>(
    async () => {
      // The state first: a job read before it may be of an earlier attempt.
      const state = await side.queue.queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return undefined;
      const job = await side.queue.queue.getJob(jobId);
      return job ? { job, state } : undefined;
    },
    { timeoutMs: 20_000, what: `callback ${caseId} delivered or failed for good` },
  );
  if (!settled) throw new Error('unreachable: waitFor returns only a truthy value');
  const lines = side.lines().filter((l) => l.caseId === caseId);
  return {
    caseId,
    state: settled.state,
    attemptsMade: settled.job.attemptsMade,
    failedReason: settled.job.failedReason,
    refused: lines.filter((l) => l.msg === 'callback refused'),
    failed: lines.filter((l) => l.msg === 'callback failed'),
  };
}

beforeAll(async () => {
  redis = createRedis('worker', {
    redisUrl: testRedisUrl(),
    redisCommandTimeoutMs: 1000,
    redisConnectTimeoutMs: 1000,
    redisReconnectMaxDelayMs: 200,
  });
  internal = await internalHost('127.0.0.1');
  port = (internal.server.address() as AddressInfo).port;
  // A second internal host on the same port, where a second resolution would lead.
  other = await internalHost('127.0.0.2', port);
  production = startSide(true);
  development = startSide(false);
  patient = startSide(false, 600_000);
});

afterAll(async () => {
  for (const side of [production, development, patient]) {
    await side.worker.close();
    await side.queue.close();
  }
  internal.server.close();
  other.server.close();
  redis.disconnect();
});

describe('callback addresses in production', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a00:5',
    '169.254.169.254',
  ])(
    'refuses for good a host resolving to %s, logs host and reason without path or query, and the internal host sees no connection',
    async (address) => {
      const host = `evil-${seq + 1}.example`;
      zone.set(host, () => [a(address)]);
      const before = internal.connections;
      const result = await deliver(
        production,
        `https://${host}:${port}/hooks/secret-path?token=s3cret`,
      );
      const reason = `${host} resolves to ${address}, not a public unicast address`;
      expect(result).toMatchObject({
        state: 'failed',
        attemptsMade: 1,
        failedReason: `callback refused: ${reason}`,
      });
      expect(result.refused).toEqual([
        expect.objectContaining({ level: 40, clientId: 'portal-sc', host, reason }),
      ]);
      expect(internal.connections).toBe(before);
      expect(JSON.stringify(production.lines())).not.toMatch(/secret-path|s3cret/);
    },
  );

  it('counts a refused callback in gw_callbacks_total as outcome="refused", not failed, and times no post', async () => {
    const host = `counted-${seq + 1}.example`;
    zone.set(host, () => [a('10.0.0.5')]);
    const read = async () => {
      const text = await production.metrics.registry.metrics();
      return {
        refused: seriesIn(text, CALLBACKS, '{outcome="refused"}'),
        failed: seriesIn(text, CALLBACKS, '{outcome="failed"}'),
        posts: seriesIn(text, `${CALLBACK_REQUEST_DURATION}_count`),
      };
    };
    const before = await read();
    const result = await deliver(production, `https://${host}:${port}/hooks`);
    expect(result.state).toBe('failed');
    expect(await read()).toEqual({ ...before, refused: before.refused! + 1 });
  });

  it('refuses a host one of whose several answers is private, naming that answer', async () => {
    const host = `mixed-${seq + 1}.example`;
    zone.set(host, () => [a(PUBLIC), a('127.0.0.1'), a('2606:2800:21f:cb07:6820:80da:af6b:8b2c')]);
    const before = internal.connections;
    const result = await deliver(production, `https://${host}:${port}/hooks`);
    expect(result).toMatchObject({
      state: 'failed',
      attemptsMade: 1,
      failedReason: `callback refused: ${host} resolves to 127.0.0.1, not a public unicast address`,
    });
    expect(internal.connections).toBe(before);
  });

  it('refuses an address written in the URL, which is never looked up, without asking the DNS', async () => {
    const before = internal.connections;
    const result = await deliver(production, `https://127.0.0.1:${port}/hooks?token=s3cret`);
    expect(result).toMatchObject({
      state: 'failed',
      attemptsMade: 1,
      failedReason: 'callback refused: callbackUrl must not point at a private or loopback address',
    });
    expect(result.refused).toEqual([expect.objectContaining({ host: '127.0.0.1' })]);
    expect(asked.has('127.0.0.1')).toBe(false);
    expect(internal.connections).toBe(before);
  });

  it('rebinding: a host answering public, then private, is not refused on the public answer, connects there, and is refused on the private one; the internal host sees no connection', async () => {
    const host = `rebind-${seq + 1}.example`;
    zone.set(host, (n) => (n === 1 ? [a(PUBLIC)] : [a('127.0.0.1')]));
    const before = internal.connections;
    const result = await deliver(production, `https://${host}:${port}/hooks`);
    // The first attempt went to the public address it judged (which this machine cannot reach,
    // or which cannot prove it is rebind.example): a failure to retry, not a refusal.
    expect(result.failed[0]).toMatchObject({ attempt: 1 });
    expect(result.failed[0]!.reason).not.toMatch(/^callback refused/);
    // The retry asked again, was answered private, and was refused before connecting.
    expect(result).toMatchObject({
      state: 'failed',
      attemptsMade: 2,
      failedReason: `callback refused: ${host} resolves to 127.0.0.1, not a public unicast address`,
    });
    expect(asked.get(host)).toBe(2);
    expect(internal.connections).toBe(before);
    expect(internal.requests).not.toContain('/hooks');
  });

  it('retries a DNS failure (EAI_AGAIN) rather than refusing it', async () => {
    const host = `flaky-${seq + 1}.example`;
    zone.set(host, (n) => (n === 1 ? dnsError('EAI_AGAIN', host) : [a('10.0.0.5')]));
    const result = await deliver(production, `https://${host}:${port}/hooks`);
    expect(result.failed[0]).toMatchObject({
      attempt: 1,
      reason: `getaddrinfo EAI_AGAIN ${host}`,
    });
    expect(result).toMatchObject({ state: 'failed', attemptsMade: 2 });
    expect(result.failedReason).toMatch(/^callback refused: /);
  });
});

describe('callback addresses in development', () => {
  it('delivers to loopback through the DNS, to the address its one lookup answered (a second answer is never used)', async () => {
    const host = `portal-${seq + 1}.example`;
    zone.set(host, (n) => (n === 1 ? [a('127.0.0.1')] : [a('127.0.0.2')]));
    const otherBefore = other.connections;
    const result = await deliver(development, `http://${host}:${port}/hooks/dev?portal=sc`);
    expect(result).toMatchObject({ state: 'completed', refused: [], failed: [] });
    expect(asked.get(host)).toBe(1);
    expect(internal.requests).toContain('/hooks/dev?portal=sc');
    expect(other.connections).toBe(otherBefore);
  });
});

/** A portal on loopback answering each request as `answer` says, and what it saw. */
async function portal(answer: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  const seen = { connections: 0, requests: [] as { url: string; socket: number }[] };
  const server = createServer((req, res) => {
    seen.requests.push({ url: req.url ?? '', socket: req.socket.remotePort ?? 0 });
    req.resume();
    req.on('end', () => answer(req, res, seen.requests.length));
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { seen, port: (server.address() as AddressInfo).port, close };
}

describe('callback connections', () => {
  it('reuses a kept-alive connection only for the host it was opened for: another name resolving to the same address is looked up, judged and connected on its own', async () => {
    const p = await portal((_req, res) => res.writeHead(204).end());
    try {
      const [one, two] = [`pool-a-${seq + 1}.example`, `pool-b-${seq + 1}.example`];
      // `one` would be answered the other host at a second question: a reuse asks none.
      zone.set(one, (n) => (n === 1 ? [a('127.0.0.1')] : [a('127.0.0.2')]));
      zone.set(two, () => [a('127.0.0.1')]);
      const otherBefore = other.connections;
      for (const host of [one, two, one])
        expect(await deliver(development, `http://${host}:${p.port}/hooks`)).toMatchObject({
          state: 'completed',
        });
      expect([asked.get(one), asked.get(two)]).toEqual([1, 1]);
      expect(p.seen.connections).toBe(2);
      const [first, second, third] = p.seen.requests.map((r) => r.socket);
      expect(second).not.toBe(first);
      expect(third).toBe(first);
      expect(other.connections).toBe(otherBefore);
    } finally {
      p.close();
    }
  });

  it("names every address's failure when a connection tried at several addresses fails at each", async () => {
    const p = await portal((_req, res) => res.writeHead(204).end());
    try {
      const host = `several-${seq + 1}.example`;
      // Nothing listens on 127.0.0.3 or 127.0.0.4 (the portal is on 127.0.0.1): both refuse.
      zone.set(host, (n) => (n === 1 ? [a('127.0.0.3'), a('127.0.0.4')] : [a('127.0.0.1')]));
      const result = await deliver(development, `http://${host}:${p.port}/hooks`);
      expect(result).toMatchObject({ state: 'completed', attemptsMade: 2 });
      expect(result.failed).toEqual([
        expect.objectContaining({
          attempt: 1,
          reason: `connect ECONNREFUSED 127.0.0.3:${p.port}; connect ECONNREFUSED 127.0.0.4:${p.port}`,
        }),
      ]);
    } finally {
      p.close();
    }
  });

  it('does not follow a redirect: a 3xx is a failed attempt, logged with the portal and host but not the path, retried, and its Location sees nothing', async () => {
    const p = await portal((_req, res, n) => {
      if (n === 1) res.writeHead(302, { Location: `http://127.0.0.2:${port}/redirected` }).end();
      else res.writeHead(204).end();
    });
    try {
      const host = `redirect-${seq + 1}.example`;
      zone.set(host, () => [a('127.0.0.1')]);
      const otherBefore = other.connections;
      const result = await deliver(development, `http://${host}:${p.port}/hooks`);
      expect(result).toMatchObject({ state: 'completed', attemptsMade: 2 });
      // The line names the portal and the host it failed at, never the URL's path.
      expect(result.failed).toEqual([
        expect.objectContaining({
          attempt: 1,
          reason: 'portal answered 302',
          clientId: 'portal-sc',
          host: `${host}:${p.port}`,
        }),
      ]);
      expect(JSON.stringify(result.failed)).not.toContain('/hooks');
      expect(p.seen.requests.map((r) => r.url)).toEqual(['/hooks', '/hooks']);
      expect(other.connections).toBe(otherBefore);
      expect(other.requests).not.toContain('/redirected');
    } finally {
      p.close();
    }
  });

  it('reads no more than 64 KiB of an answer it does not want: a 2xx whose body never ends is delivered, its connection cut, before any deadline', async () => {
    let cut = false;
    const p = await portal((_req, res) => {
      res.on('close', () => (cut = true));
      // 128 KiB of a body announced as longer, then nothing more: only a cut ends it.
      res.writeHead(200, { 'Content-Length': String(1 << 30) });
      res.write(Buffer.alloc(128 * 1024, 'x'));
    });
    try {
      const host = `endless-${seq + 1}.example`;
      zone.set(host, () => [a('127.0.0.1')]);
      const result = await deliver(patient, `http://${host}:${p.port}/hooks`);
      expect(result).toMatchObject({ state: 'completed', failed: [] });
      await waitFor(() => cut, { what: 'the portal sees its connection cut' });
    } finally {
      p.close();
    }
  });
});
