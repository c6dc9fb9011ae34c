// Intake bench: the real gateway (child) against a bare express 5 baseline (child), the same signed
// SW-005 requests from the same autocannon settings, in alternating rounds (ABBA: A B, B A, A B …
// so neither side always runs second on a warming machine); then latency at a fixed offered rate;
// then the gateway's Redis footprint and RSS.
import type { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import type { ClientCredentials } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild, type Facts, type RunningChild } from './ipc.ts';
import { signedLoad, type LoadResult } from './load.ts';
import { pacedLoad } from './paced.ts';
import { median, redisCpuSeconds, redisUsedMemory } from './stats.ts';

export interface IntakeOptions {
  redisUrl: string;
  admin: Redis;
  connections: number;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  latencySec: number;
  fixedRate: number;
  footprintSamples: number;
  /** LOG_LEVEL of the gateway / adapter worker (default info, as in production). */
  logLevel: string;
  /** Write a CPU profile of the gateway child here (node --cpu-prof). */
  profileDir?: string;
  log: (line: string) => void;
}

export interface Side {
  rounds: LoadResult[];
  medianRequestsPerSec: number;
  medianP50Ms: number;
  medianP99Ms: number;
  /** Median CPU µs per request: the server child, redis-server (gateway only), the load generator. */
  medianCpuUs: { server: number; redis: number; loadGenerator: number };
}

export interface IntakeResult {
  connections: number;
  durationSec: number;
  rounds: number;
  gateway: Side;
  baseline: Side;
  /** Gateway/baseline req/s of each adjacent pair. */
  roundRatios: number[];
  /** Median of roundRatios. */
  ratio: number;
  latency: {
    offeredRate: number;
    /** Why the rate is what it is (1 000, or half the gateway's measured maximum). */
    rateNote: string;
    /** autocannon overallRate (bursty: see paced.ts). */
    gateway: LoadResult;
    baseline: LoadResult;
    /** The same rate on an even, open-loop schedule (paced.ts). */
    pacedGateway: LoadResult;
    pacedBaseline: LoadResult;
    /** The gateway's event-loop delay and GC pauses during its paced run. */
    pacedGatewayLoop: Facts;
  };
  footprint: Footprint;
  gatewayMemory: Facts;
  compileMs: number;
  catalogue: Facts;
  loadGeneratorChecks: { gatewayNon2xx: number; errors: number; baselineRepeats: Facts };
}

export interface Footprint {
  samples: number;
  /** OBJECT ENCODING of a stored case hash. */
  caseHashEncoding: string;
  listpackNote: string;
  caseHashBytes: number;
  historyListBytes: number;
  idempotencyKeyBytes: number;
  perStoredCaseBytes: number;
  queuedJobHashBytes: number;
  nonceKeyBytes: number;
  /** Redis used_memory growth over the intake runs ÷ accepted submissions (every key they left). */
  usedMemoryPerAcceptedBytes: number;
  acceptedSubmissions: number;
  detail: Record<string, number>;
}

function credentials(): ClientCredentials {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const client = clients.find((c) => c.id === BENCH_CLIENT);
  if (!client) throw new Error(`no dev client ${BENCH_CLIENT}`);
  return { clientId: client.id, secret: client.secret, signatureMethod: 'HMAC-SHA256' };
}

function side(rounds: LoadResult[]): Side {
  return {
    rounds,
    medianRequestsPerSec: median(rounds.map((r) => r.requestsPerSec)),
    medianP50Ms: median(rounds.map((r) => r.latencyMs.p50)),
    medianP99Ms: median(rounds.map((r) => r.latencyMs.p99)),
    medianCpuUs: {
      server: median(rounds.map((r) => r.cpuUsPerRequest?.server ?? Number.NaN)),
      redis: median(rounds.map((r) => r.cpuUsPerRequest?.redis ?? Number.NaN)),
      loadGenerator: median(rounds.map((r) => r.cpuUsPerRequest?.loadGenerator ?? Number.NaN)),
    },
  };
}

export const INTAKE_PREFIX = 'bench-intake';

export async function runIntake(o: IntakeOptions): Promise<IntakeResult> {
  const body = JSON.stringify(benchEnvelope());
  const creds = credentials();
  const children: RunningChild[] = [];
  try {
    const gateway = await spawnChild('gateway', './gateway-server.ts', {
      env: {
        REDIS_URL: o.redisUrl,
        GW_KEY_PREFIX: INTAKE_PREFIX,
        GW_ENV: 'development',
        PORT: '0',
        GW_HOST: '127.0.0.1',
        LOG_LEVEL: o.logLevel,
        // The per-client limit (default 200/s) would turn the load into 429s: the limiter still
        // runs on every request, with a ceiling the bench cannot reach.
        GW_RATE_LIMIT_PER_SECOND: '1000000',
      },
      ...(o.profileDir ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', o.profileDir] } : {}),
    });
    children.push(gateway);
    const baseline = await spawnChild('baseline', './baseline-server.ts');
    children.push(baseline);
    const urls = {
      gateway: `http://127.0.0.1:${String(gateway.facts.port)}`,
      baseline: `http://127.0.0.1:${String(baseline.facts.port)}`,
    };
    const servers = { gateway, baseline };
    const cpuSeconds = (f: Facts) => (Number(f.user) + Number(f.system)) / 1e6;
    // Each run also reports CPU time per request of the server child, of redis-server (gateway
    // runs only) and of this load generator: unlike req/s, CPU per request hardly moves with the
    // other tenants of a shared machine.
    const load = async (
      which: 'gateway' | 'baseline',
      durationSec: number,
      overallRate?: number,
      paced = false,
    ): Promise<LoadResult> => {
      const server = servers[which];
      const before = {
        server: cpuSeconds(await server.ask('cpu')),
        redis: await redisCpuSeconds(o.admin),
        self: process.cpuUsage(),
      };
      const r =
        paced && overallRate
          ? await pacedLoad({
              url: urls[which],
              credentials: creds,
              body,
              durationSec,
              rate: overallRate,
            })
          : await signedLoad({
              url: urls[which],
              credentials: creds,
              body,
              connections: o.connections,
              durationSec,
              ...(overallRate ? { overallRate } : {}),
            });
      const self = process.cpuUsage(before.self);
      const n = r.ok + r.non2xx;
      const per = (seconds: number) => (n > 0 ? (seconds * 1e6) / n : Number.NaN);
      r.cpuUsPerRequest = {
        server: per(cpuSeconds(await server.ask('cpu')) - before.server),
        ...(which === 'gateway'
          ? { redis: per((await redisCpuSeconds(o.admin)) - before.redis) }
          : {}),
        loadGenerator: per((self.user + self.system) / 1e6),
      };
      return r;
    };

    const memoryBefore = await redisUsedMemory(o.admin);
    let accepted = 0;
    const all: LoadResult[] = [];
    const track = (r: LoadResult, which: 'gateway' | 'baseline') => {
      if (which === 'gateway') {
        accepted += r.ok;
        all.push(r);
      }
      return r;
    };

    o.log(`intake: warm-up ${o.warmupSec} s each`);
    track(await load('gateway', o.warmupSec), 'gateway');
    await load('baseline', o.warmupSec);

    const gw: LoadResult[] = [];
    const base: LoadResult[] = [];
    for (let i = 0; i < o.rounds; i++) {
      const order: ('gateway' | 'baseline')[] =
        i % 2 === 0 ? ['gateway', 'baseline'] : ['baseline', 'gateway'];
      for (const which of order) {
        const r = track(await load(which, o.durationSec), which);
        (which === 'gateway' ? gw : base).push(r);
        o.log(
          `intake round ${i + 1}/${o.rounds} ${which.padEnd(8)} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  cpu/req ${r.cpuUsPerRequest?.server.toFixed(0)} µs server, ${r.cpuUsPerRequest?.redis?.toFixed(0) ?? '–'} µs redis${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
        );
      }
    }
    const gatewaySide = side(gw);
    const baselineSide = side(base);
    const roundRatios = gw.map((g, i) => g.requestsPerSec / base[i]!.requestsPerSec);

    const half = Math.floor(gatewaySide.medianRequestsPerSec / 2);
    const offeredRate = Math.min(o.fixedRate, half);
    const rateNote =
      offeredRate === o.fixedRate
        ? `${o.fixedRate} req/s as asked (the gateway's measured maximum is ≥ twice that)`
        : `half the gateway's measured maximum of ${Math.round(gatewaySide.medianRequestsPerSec)} req/s: ${o.fixedRate} req/s is more than half of it`;
    o.log(`intake: latency at ${offeredRate} req/s offered, ${o.latencySec} s each`);
    const fixedGateway = track(await load('gateway', o.latencySec, offeredRate), 'gateway');
    const fixedBaseline = await load('baseline', o.latencySec, offeredRate);
    await gateway.ask('loop');
    const pacedGateway = track(await load('gateway', o.latencySec, offeredRate, true), 'gateway');
    const pacedGatewayLoop = await gateway.ask('loop');
    const pacedBaseline = await load('baseline', o.latencySec, offeredRate, true);
    for (const [name, r] of Object.entries({
      fixedGateway,
      fixedBaseline,
      pacedGateway,
      pacedBaseline,
    })) {
      o.log(
        `intake latency ${name.padEnd(13)} ${r.requestsPerSec.toFixed(0).padStart(5)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  p99.9 ${r.latencyMs.p999.toFixed(2)} ms${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
      );
    }

    const gatewayMemory = await gateway.ask('memory');
    const baselineRepeats = await baseline.ask('stats');
    const footprint = await measureFootprint(o, memoryBefore, accepted);
    return {
      connections: o.connections,
      durationSec: o.durationSec,
      rounds: o.rounds,
      gateway: gatewaySide,
      baseline: baselineSide,
      roundRatios,
      ratio: median(roundRatios),
      latency: {
        offeredRate,
        rateNote,
        gateway: fixedGateway,
        baseline: fixedBaseline,
        pacedGateway,
        pacedBaseline,
        pacedGatewayLoop,
      },
      footprint,
      gatewayMemory,
      compileMs: Number(gateway.facts.compileMs),
      catalogue: gateway.facts.catalogue as Facts,
      loadGeneratorChecks: {
        gatewayNon2xx: all.reduce((n, r) => n + r.non2xx, 0),
        errors: [...all, ...base, fixedBaseline, pacedBaseline].reduce(
          (n, r) => n + r.errors + r.timeouts,
          0,
        ),
        baselineRepeats,
      },
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

async function scanKeys(
  redis: Redis,
  pattern: string,
  want: number,
  accept: (k: string) => boolean,
) {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    for (const key of keys) if (accept(key) && found.length < want) found.push(key);
  } while (cursor !== '0' && found.length < want);
  return found;
}

async function averageUsage(redis: Redis, keys: string[]): Promise<number> {
  if (keys.length === 0) return Number.NaN;
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
  const results = (await pipeline.exec()) ?? [];
  const sizes = results.map(([error, value]) => {
    if (error) throw error;
    return Number(value);
  });
  return sizes.reduce((a, b) => a + b, 0) / sizes.length;
}

async function measureFootprint(
  o: IntakeOptions,
  memoryBefore: number,
  accepted: number,
): Promise<Footprint> {
  const redis = o.admin;
  const p = INTAKE_PREFIX;
  const caseKeys = await scanKeys(
    redis,
    `${p}:case:*`,
    o.footprintSamples,
    (k) => !k.endsWith(':history') && !k.endsWith(':events'),
  );
  const keys = redisKeys(p);
  const ids = (await Promise.all(caseKeys.map((k) => redis.hget(k, 'id')))).map(String);
  const idemKeys = await scanKeys(redis, `${p}:idem:*`, o.footprintSamples, () => true);
  const nonceKeys = await scanKeys(redis, `${p}:nonce:*`, o.footprintSamples, () => true);
  const caseHashBytes = await averageUsage(redis, caseKeys);
  const historyListBytes = await averageUsage(
    redis,
    ids.map((id) => keys.history(id)),
  );
  const idempotencyKeyBytes = await averageUsage(redis, idemKeys);
  // SW-005 from 师宗县 routes to one adapter (yn): read it from the stored case, not assumed here.
  const route = JSON.parse((await redis.hget(keys.case(ids[0] ?? ''), 'route')) ?? '{}') as {
    adapter?: string;
  };
  const queuedJobHashBytes = await averageUsage(
    redis,
    ids.map((id) => {
      const queue = routeQueueName(route.adapter ?? '?');
      return `${keys.queuePrefix(queue)}:${queue}:${id}`;
    }),
  );
  const nonceKeyBytes = await averageUsage(redis, nonceKeys);
  const sample = ids[0] ?? '';
  const detail: Record<string, number> = {
    envelopeFieldBytes: await redis.hstrlen(keys.case(sample), 'envelope'),
    caseHashFields: await redis.hlen(keys.case(sample)),
    historyEntries: await redis.llen(keys.history(sample)),
    idempotencyValueBytes: idemKeys[0] ? await redis.strlen(idemKeys[0]) : 0,
  };
  const memoryAfter = await redisUsedMemory(redis);

  // Redis keeps a hash compact (listpack) only while every value is ≤ hash-max-listpack-value
  // (64 bytes by default); the envelope field is far longer, so each case hash is a hashtable. How
  // much a deployment would save by raising that setting: copy sample hashes under it and measure.
  const encoding = String(await redis.call('OBJECT', 'ENCODING', keys.case(sample)));
  const previous = await redis.config('GET', 'hash-max-listpack-value');
  await redis.config('SET', 'hash-max-listpack-value', '4096');
  const copies: string[] = [];
  for (const id of ids.slice(0, 50)) {
    const copy = `bench-footprint:listpack:${id}`;
    await redis.hset(copy, await redis.hgetall(keys.case(id)));
    copies.push(copy);
  }
  const listpackCaseHashBytes = await averageUsage(redis, copies);
  const copyEncoding = copies[0] ? String(await redis.call('OBJECT', 'ENCODING', copies[0])) : '';
  if (copies.length > 0) await redis.del(...copies);
  await redis.config('SET', 'hash-max-listpack-value', previous[1] ?? '64');
  detail.listpackCaseHashBytes = listpackCaseHashBytes;

  return {
    caseHashEncoding: encoding,
    listpackNote: `with hash-max-listpack-value ≥ the envelope's size (copies encoded ${copyEncoding}), a case hash takes ${Math.round(listpackCaseHashBytes)} B instead of ${Math.round(caseHashBytes)} B`,
    samples: caseKeys.length,
    caseHashBytes,
    historyListBytes,
    idempotencyKeyBytes,
    perStoredCaseBytes: caseHashBytes + historyListBytes + idempotencyKeyBytes,
    queuedJobHashBytes,
    nonceKeyBytes,
    usedMemoryPerAcceptedBytes: accepted > 0 ? (memoryAfter - memoryBefore) / accepted : Number.NaN,
    acceptedSubmissions: accepted,
    detail,
  };
}
