// Intake bench: the real gateway (child, with the outbox relay of a worker process beside it in a
// child of its own) against three baselines (children): the plain service a provincial team would
// write (express.json() + an ajv validator for the item + BullMQ queue.add() + 202, plain-server.ts),
// that service with the duties it leaves out — signature and nonce, payload sealed, idempotency
// (duties-server.ts) — and bare express 5 (a ceiling). The same signed SW-005 requests from the
// same autocannon settings, in rotating rounds (G P D B, P D B G, D B G P … so no side always runs
// first on a warming machine); then latency at a fixed offered rate; then 202 → job through the
// relay; then the gateway's Redis footprint and RSS.
import type { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientCredentials } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { CASE_BOARD_FIELDS, redisKeys, routeQueueName } from '../../gateway/shared/redis-keys.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild, type Facts, type RunningChild } from './ipc.ts';
import { percentile, signedLoad, type LoadResult } from './load.ts';
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
  /**
   * Write CPU profiles here: the gateway child's whole life (node --cpu-prof), and the gateway's
   * and the duties baseline's measured rounds alone (intake-gateway.cpuprofile,
   * intake-duties.cpuprofile), to compare one with the other.
   */
  profileDir?: string;
  /** More settings of the gateway child alone (the baselines do not have them). */
  gatewayEnv?: Record<string, string>;
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
  /** Bare express 5: a ceiling. */
  baseline: Side;
  /** The plain service: express.json() + ajv + BullMQ queue.add(). */
  plain: Side;
  /** The plain service that also signs, seals and de-duplicates (duties-server.ts). */
  duties: Side;
  /** Gateway/bare req/s of each round. */
  roundRatios: number[];
  /** Median of roundRatios. */
  ratio: number;
  /** Gateway/plain req/s of each round, and their median. */
  plainRoundRatios: number[];
  plainRatio: number;
  /** Gateway/duties req/s of each round, and their median. */
  dutiesRoundRatios: number[];
  dutiesRatio: number;
  /** 202 → job through the outbox relay, paced at `offeredRate`. */
  relay: {
    offeredRate: number;
    accepted: number;
    /** Accepted cases whose job the relay did not report within the wait. */
    missing: number;
    latencyMs: { p50: number; p90: number; p99: number; max: number };
  };
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
    plain: LoadResult;
    pacedPlain: LoadResult;
    /** The gateway's event-loop delay and GC pauses during its paced run. */
    pacedGatewayLoop: Facts;
  };
  footprint: Footprint;
  gatewayMemory: Facts;
  compileMs: number;
  catalogue: Facts;
  loadGeneratorChecks: {
    gatewayNon2xx: number;
    errors: number;
    baselineRepeats: Facts;
    /** Idempotency keys the duties service found already recorded (the load sends none twice). */
    dutiesRepeats: number;
  };
}

export interface Footprint {
  samples: number;
  /** OBJECT ENCODING of the sampled case hashes (every encoding seen). */
  caseHashEncoding: string;
  caseHashBytes: number;
  historyListBytes: number;
  idempotencyKeyBytes: number;
  /**
   * Case hash (with its 督办 board record, `sv.` fields) + history + envelope + idempotency record
   * + 督办 schedule entries.
   */
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

/** Where a child writes the profile of the measured rounds (ipc.ts windowProfiler), with --profile. */
function roundsProfile(o: IntakeOptions, side: string): Record<string, string> {
  return o.profileDir
    ? { BENCH_PROFILE_FILE: join(o.profileDir, `intake-${side}.cpuprofile`) }
    : {};
}

type Which = 'gateway' | 'plain' | 'duties' | 'baseline';
const SIDES: readonly Which[] = ['gateway', 'plain', 'duties', 'baseline'];

export async function runIntake(o: IntakeOptions): Promise<IntakeResult> {
  const body = JSON.stringify(benchEnvelope());
  const creds = credentials();
  const children: RunningChild[] = [];
  try {
    const env = {
      REDIS_URL: o.redisUrl,
      GW_KEY_PREFIX: INTAKE_PREFIX,
      GW_ENV: 'development',
      LOG_LEVEL: o.logLevel,
    };
    const gateway = await spawnChild('gateway', './gateway-server.ts', {
      env: {
        ...env,
        PORT: '0',
        GW_HOST: '127.0.0.1',
        // The per-client limit (default 200/s) would turn the load into 429s: the limiter still
        // runs on every request, with a ceiling the bench cannot reach.
        GW_RATE_LIMIT_PER_SECOND: '1000000',
        ...roundsProfile(o, 'gateway'),
        ...o.gatewayEnv,
      },
      ...(o.profileDir ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', o.profileDir] } : {}),
    });
    children.push(gateway);
    // A worker process's outbox relay: the gateway's cases become jobs there, as in production.
    const relay = await spawnChild('relay', './relay-worker.ts', { env });
    children.push(relay);
    const plain = await spawnChild('plain', './plain-server.ts', {
      env: { REDIS_URL: o.redisUrl },
    });
    children.push(plain);
    const duties = await spawnChild('duties', './duties-server.ts', {
      env: { REDIS_URL: o.redisUrl, ...roundsProfile(o, 'duties') },
    });
    children.push(duties);
    const baseline = await spawnChild('baseline', './baseline-server.ts');
    children.push(baseline);
    const servers = { gateway, plain, duties, baseline };
    const urls = Object.fromEntries(
      SIDES.map((w) => [w, `http://127.0.0.1:${String(servers[w].facts.port)}`]),
    ) as Record<Which, string>;
    const cpuSeconds = (f: Facts) => (Number(f.user) + Number(f.system)) / 1e6;
    // Each run also reports CPU time per request of the server child, of redis-server (gateway
    // and plain runs) and of this load generator: unlike req/s, CPU per request hardly moves with
    // the other tenants of a shared machine.
    const load = async (
      which: Which,
      durationSec: number,
      overallRate?: number,
      paced = false,
      onAccepted?: (caseId: string, atMs: number) => void,
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
              ...(onAccepted ? { onAccepted } : {}),
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
        ...(which !== 'baseline'
          ? { redis: per((await redisCpuSeconds(o.admin)) - before.redis) }
          : {}),
        loadGenerator: per((self.user + self.system) / 1e6),
      };
      return r;
    };

    const memoryBefore = await redisUsedMemory(o.admin);
    let accepted = 0;
    const all: LoadResult[] = [];
    const others: LoadResult[] = [];
    const track = (r: LoadResult, which: Which) => {
      if (which === 'gateway') {
        accepted += r.ok;
        all.push(r);
      } else others.push(r);
      return r;
    };

    o.log(`intake: warm-up ${o.warmupSec} s each`);
    for (const which of SIDES) track(await load(which, o.warmupSec), which);

    const rounds: Record<Which, LoadResult[]> = {
      gateway: [],
      plain: [],
      duties: [],
      baseline: [],
    };
    // The profiled sides' measured rounds, and the other sides' rounds between them (idle there).
    const profiled = o.profileDir ? [gateway, duties] : [];
    for (const child of profiled) await child.ask('profile-start');
    for (let i = 0; i < o.rounds; i++) {
      const order = SIDES.map((_, k) => SIDES[(i + k) % SIDES.length]!);
      for (const which of order) {
        const r = track(await load(which, o.durationSec), which);
        rounds[which].push(r);
        o.log(
          `intake round ${i + 1}/${o.rounds} ${which.padEnd(8)} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  cpu/req ${r.cpuUsPerRequest?.server.toFixed(0)} µs server, ${r.cpuUsPerRequest?.redis?.toFixed(0) ?? '–'} µs redis${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
        );
      }
    }
    for (const child of profiled)
      o.log(`intake: profile ${String((await child.ask('profile-stop')).file)}`);
    const gatewaySide = side(rounds.gateway);
    const baselineSide = side(rounds.baseline);
    const plainSide = side(rounds.plain);
    const dutiesSide = side(rounds.duties);
    const roundRatios = rounds.gateway.map(
      (g, i) => g.requestsPerSec / rounds.baseline[i]!.requestsPerSec,
    );
    const plainRoundRatios = rounds.gateway.map(
      (g, i) => g.requestsPerSec / rounds.plain[i]!.requestsPerSec,
    );

    const dutiesRoundRatios = rounds.gateway.map(
      (g, i) => g.requestsPerSec / rounds.duties[i]!.requestsPerSec,
    );

    const half = Math.floor(gatewaySide.medianRequestsPerSec / 2);
    const offeredRate = Math.min(o.fixedRate, half);
    const rateNote =
      offeredRate === o.fixedRate
        ? `${o.fixedRate} req/s as asked (the gateway's measured maximum is ≥ twice that)`
        : `half the gateway's measured maximum of ${Math.round(gatewaySide.medianRequestsPerSec)} req/s: ${o.fixedRate} req/s is more than half of it`;
    o.log(`intake: latency at ${offeredRate} req/s offered, ${o.latencySec} s each`);
    const fixedGateway = track(await load('gateway', o.latencySec, offeredRate), 'gateway');
    const fixedPlain = track(await load('plain', o.latencySec, offeredRate), 'plain');
    const fixedBaseline = track(await load('baseline', o.latencySec, offeredRate), 'baseline');
    await gateway.ask('loop');
    const pacedGateway = track(await load('gateway', o.latencySec, offeredRate, true), 'gateway');
    const pacedGatewayLoop = await gateway.ask('loop');
    const pacedPlain = track(await load('plain', o.latencySec, offeredRate, true), 'plain');
    const pacedBaseline = track(
      await load('baseline', o.latencySec, offeredRate, true),
      'baseline',
    );
    for (const [name, r] of Object.entries({
      fixedGateway,
      fixedPlain,
      fixedBaseline,
      pacedGateway,
      pacedPlain,
      pacedBaseline,
    })) {
      o.log(
        `intake latency ${name.padEnd(13)} ${r.requestsPerSec.toFixed(0).padStart(5)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  p99.9 ${r.latencyMs.p999.toFixed(2)} ms${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
      );
    }

    const relayResult = await measureRelay(o, relay, half, (rate, onAccepted) =>
      load('gateway', o.latencySec, rate, true, onAccepted).then((r) => track(r, 'gateway')),
    );

    const gatewayMemory = await gateway.ask('memory');
    const baselineRepeats = await baseline.ask('stats');
    const dutiesRepeats = Number((await duties.ask('stats')).repeated);
    const footprint = await measureFootprint(o, memoryBefore, accepted);
    return {
      connections: o.connections,
      durationSec: o.durationSec,
      rounds: o.rounds,
      gateway: gatewaySide,
      baseline: baselineSide,
      plain: plainSide,
      roundRatios,
      ratio: median(roundRatios),
      plainRoundRatios,
      plainRatio: median(plainRoundRatios),
      duties: dutiesSide,
      dutiesRoundRatios,
      dutiesRatio: median(dutiesRoundRatios),
      relay: relayResult,
      latency: {
        offeredRate,
        rateNote,
        gateway: fixedGateway,
        baseline: fixedBaseline,
        pacedGateway,
        pacedBaseline,
        plain: fixedPlain,
        pacedPlain,
        pacedGatewayLoop,
      },
      footprint,
      gatewayMemory,
      compileMs: Number(gateway.facts.compileMs),
      catalogue: gateway.facts.catalogue as Facts,
      loadGeneratorChecks: {
        gatewayNon2xx: all.reduce((n, r) => n + r.non2xx, 0),
        errors: [...all, ...others].reduce((n, r) => n + r.errors + r.timeouts, 0),
        baselineRepeats,
        dutiesRepeats,
      },
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

/** 202 → job: paced submissions at 1 000 req/s (or half the maximum), timed through the relay. */
async function measureRelay(
  o: IntakeOptions,
  relay: RunningChild,
  half: number,
  run: (rate: number, onAccepted: (caseId: string, atMs: number) => void) => Promise<LoadResult>,
): Promise<IntakeResult['relay']> {
  const rate = Math.min(RELAY_RATE, half);
  o.log(`intake: 202 → job through the outbox relay at ${rate} req/s paced, ${o.latencySec} s`);
  await relay.ask('queued');
  const acceptedAt = new Map<string, number>();
  await run(rate, (caseId, atMs) => acceptedAt.set(caseId, atMs));
  const queuedAt = new Map<string, number>();
  const deadline = Date.now() + 5000;
  while (queuedAt.size < acceptedAt.size && Date.now() < deadline) {
    for (const [id, at] of Object.entries(await relay.ask('queued'))) queuedAt.set(id, Number(at));
    await new Promise((r) => setTimeout(r, 50));
  }
  const latencies: number[] = [];
  for (const [id, at] of acceptedAt) {
    const queued = queuedAt.get(id);
    // A job can exist before its 202 reached the client: that is no latency at all.
    if (queued !== undefined) latencies.push(Math.max(0, queued - at));
  }
  const sorted = Float64Array.from(latencies).sort();
  const result = {
    offeredRate: rate,
    accepted: acceptedAt.size,
    missing: acceptedAt.size - latencies.length,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    },
  };
  o.log(
    `intake relay: ${result.accepted} accepted, 202 → job p50 ${result.latencyMs.p50.toFixed(2)} ms  p99 ${result.latencyMs.p99.toFixed(2)} ms  max ${result.latencyMs.max.toFixed(2)} ms${result.missing ? `  MISSING ${result.missing}` : ''}`,
  );
  return result;
}

/** The rate issue 17 times 202 → job at. */
const RELAY_RATE = 1000;

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
  const caseKeys = await scanKeys(redis, `${p}:{s*}:case:*`, o.footprintSamples, (k) =>
    /:case:[0-9A-Z]+$/.test(k),
  );
  const keys = redisKeys(p);
  const ids = caseKeys.map((k) => k.slice(k.lastIndexOf(':') + 1));
  const idemKeys = await scanKeys(redis, `${p}:{s*}:idem:*`, o.footprintSamples, () => true);
  const nonceKeys = await scanKeys(redis, `${p}:nonce:*`, o.footprintSamples, () => true);
  const caseHashBytes = await averageUsage(redis, caseKeys);
  const historyListBytes = await averageUsage(
    redis,
    ids.map((id) => keys.history(id)),
  );
  const envelopeKeyBytes = await averageUsage(
    redis,
    ids.map((id) => keys.envelope(id)),
  );
  const idempotencyKeyBytes = await averageUsage(redis, idemKeys);
  // The shard's 督办 due and deadline sets hold one member per supervised case: their share.
  let scheduleBytes = 0;
  let scheduled = 0;
  for (const shard of keys.allShards) {
    for (const set of [shard.supervision.due, shard.supervision.deadlines]) {
      scheduleBytes += Number(await redis.call('MEMORY', 'USAGE', set, 'SAMPLES', '0')) || 0;
    }
    scheduled += await redis.zcard(shard.supervision.due);
  }
  const schedulePerCaseBytes = scheduled > 0 ? scheduleBytes / scheduled : 0;
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
    envelopeBytes: await redis.strlen(keys.envelope(sample)),
    caseHashFields: await redis.hlen(keys.case(sample)),
    // The case's 督办 board record is in its case hash (gateway/README.md#lean-records).
    caseHashBoardFields: (await redis.hkeys(keys.case(sample))).filter((f) =>
      f.startsWith(CASE_BOARD_FIELDS),
    ).length,
    historyEntries: await redis.llen(keys.history(sample)),
    idempotencyValueBytes: idemKeys[0] ? await redis.strlen(idemKeys[0]) : 0,
    envelopeKeyBytes,
    schedulePerCaseBytes,
  };
  const memoryAfter = await redisUsedMemory(redis);

  // Redis keeps a hash compact (listpack) only while every value is ≤ hash-max-listpack-value
  // (64 bytes by default): checked on the stored hashes, not assumed.
  const encodings = new Set<string>();
  for (const key of caseKeys) encodings.add(String(await redis.call('OBJECT', 'ENCODING', key)));
  const encoding = [...encodings].join(', ');

  return {
    caseHashEncoding: encoding,
    samples: caseKeys.length,
    caseHashBytes,
    historyListBytes,
    idempotencyKeyBytes,
    perStoredCaseBytes:
      caseHashBytes +
      historyListBytes +
      envelopeKeyBytes +
      idempotencyKeyBytes +
      schedulePerCaseBytes,
    queuedJobHashBytes,
    nonceKeyBytes,
    usedMemoryPerAcceptedBytes: accepted > 0 ? (memoryAfter - memoryBefore) / accepted : Number.NaN,
    acceptedSubmissions: accepted,
    detail,
  };
}
