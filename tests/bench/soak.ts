// Soak (`npm run bench -- --soak --cases 100000`): cases pushed through their whole lifecycle —
// submission, delivery in each province's dialect, the province's four events, CLOSED — by the
// real gateway (one child, gateway-server.ts) and the real workers with the seven sandboxes
// (another child, soak-provinces.ts), then left to retention, configured short: closed cases
// after `--retention` seconds, completed jobs after a minute and beyond 100 per queue, event
// streams at about 100 entries, Idempotency-Keys after two minutes. A sample every
// `--sample-every` submitted cases (10 000), once every case is closed, and once retention has
// run reports Redis used_memory, the case and idempotency keys left, BullMQ's completed and
// failed sets and event streams summed over the queues, the rating windows still open, and the
// gateway's RSS (README.md#benchmarks). At most `--in-flight` cases are open at once, so the run
// is a steady state rather than a queue filling up.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import {
  CALLBACK_QUEUE,
  redisKeys,
  routeQueueName,
  type RedisKeys,
} from '../../gateway/shared/redis-keys.ts';
import { ADAPTER_IDS } from '../../adapters/kit/registry.ts';
import { spawnChild, type RunningChild } from './ipc.ts';
import { devSecretOf, SOAK_CASES, soakEnvelope } from './soak-cases.ts';
import { redisUsedMemory } from './stats.ts';

export interface SoakOptions {
  redisUrl: string;
  admin: Redis;
  cases: number;
  inFlight: number;
  sampleEvery: number;
  /** Seconds a closed case is kept (GW_CASE_RETENTION_DAYS as a fraction). */
  retentionSec: number;
  /** Routes left out of the mix (e.g. gz, whose SM2 signing in JavaScript is the slowest). */
  without: readonly string[];
  logLevel: string;
  log: (line: string) => void;
}

export interface SoakSample {
  label: string;
  elapsedSec: number;
  submitted: number;
  closed: number;
  usedMemoryBytes: number;
  keys: number;
  /** Case hashes, histories and event digests left. */
  caseKeys: number;
  idempotencyKeys: number;
  completedJobs: number;
  failedJobs: number;
  /** Entries in the queues' BullMQ event streams, summed, and the longest one. */
  streamEntries: number;
  longestStream: number;
  /** Rating windows still open (a closed case may be rated for days: not retention's business). */
  ratingWindows: number;
  /** MEMORY USAGE of the rating-window sets. */
  ratingWindowBytes: number;
  gatewayRssBytes: number;
}

export interface SoakResult {
  cases: number;
  inFlight: number;
  retentionSec: number;
  routes: string[];
  settings: Record<string, string>;
  samples: SoakSample[];
  refused: number;
  /** The refusals by HTTP status. */
  refusedBy: Record<string, number>;
  /** Cases not CLOSED when the run gave up waiting. */
  notClosed: number;
  /** used_memory after retention ÷ before the first case. */
  memoryRatio: number;
  /** The same, leaving out the rating windows still open (not retention's business). */
  memoryRatioWithoutWindows: number;
  /** Each queue's completed set, failed set and event stream after retention. */
  queues: Record<string, { completed: number; failed: number; events: number }>;
  /**
   * Why jobs failed: every queue's failed jobs after retention grouped by queue, job name and
   * failedReason (truncated), most first, each with one example. A failed job is a dead letter an
   * operator is asked to replay, so a soak whose cases all closed should leave none.
   */
  failedReasons: FailedReason[];
  durationSec: number;
}

export interface FailedReason {
  queue: string;
  name: string;
  reason: string;
  count: number;
  /** One of them: its job id, attempts made, and ms from its creation to its failure. */
  example: { jobId: string; attemptsMade: number; failedAfterMs: number };
}

const PREFIX = 'bench-soak';
const PROVINCES = ['45', '50', '51', '52', '53', '54'];
const QUEUES = [...ADAPTER_IDS.map((a) => routeQueueName(a)), CALLBACK_QUEUE];

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    n += found.length;
  } while (cursor !== '0');
  return n;
}

async function queueSizes(redis: Redis, keys: RedisKeys) {
  const out: SoakResult['queues'] = {};
  for (const q of QUEUES) {
    const base = `${keys.queuePrefix(q)}:${q}`;
    const [completed, failed, events] = await Promise.all([
      redis.zcard(`${base}:completed`),
      redis.zcard(`${base}:failed`),
      redis.xlen(`${base}:events`),
    ]);
    out[q] = { completed, failed, events };
  }
  return out;
}

const REASON_CHARS = 120;

/** The failed jobs of every queue, grouped by queue, name and reason (BullMQ's getFailed). */
async function failedJobReasons(redis: Redis, keys: RedisKeys): Promise<FailedReason[]> {
  const groups = new Map<string, FailedReason>();
  for (const q of QUEUES) {
    const queue = new Queue(q, { connection: redis, prefix: keys.queuePrefix(q) });
    try {
      for (let start = 0; ; start += 1000) {
        const jobs = await queue.getFailed(start, start + 999);
        for (const job of jobs) {
          // A case id in a reason would make each failure a group of its own.
          const reason = (job.failedReason ?? '')
            .replace(/\b[0-9A-HJKMNP-TV-Z]{26}[\w-]*/g, '<case>')
            .slice(0, REASON_CHARS);
          const key = `${q}\u0000${job.name}\u0000${reason}`;
          const group = groups.get(key);
          if (group) group.count++;
          else
            groups.set(key, {
              queue: q,
              name: job.name,
              reason,
              count: 1,
              example: {
                jobId: job.id ?? '',
                attemptsMade: job.attemptsMade,
                failedAfterMs: (job.finishedOn ?? 0) - job.timestamp,
              },
            });
        }
        if (jobs.length < 1000) break;
      }
    } finally {
      await queue.close();
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const keys = redisKeys(PREFIX);
  const settings: Record<string, string> = {
    REDIS_URL: o.redisUrl,
    GW_KEY_PREFIX: PREFIX,
    GW_ENV: 'development',
    GW_DATA_KEYS: generateDataKeys('soak'),
    LOG_LEVEL: o.logLevel,
    GW_RATE_LIMIT_PER_SECOND: '1000000',
    GW_CASE_RETENTION_DAYS: String(o.retentionSec / 86_400),
    GW_JOB_RETENTION_SECONDS: '60',
    GW_JOB_RETENTION_COUNT: '100',
    GW_IDEMPOTENCY_TTL_SECONDS: '120',
    GW_NONCE_TTL_SECONDS: '60',
  };
  const children: RunningChild[] = [];
  const started = performance.now();
  const samples: SoakSample[] = [];
  const open = new Set<string>();
  let submitted = 0;
  let closed = 0;
  let refused = 0;
  const refusedBy: Record<string, number> = {};
  try {
    const gateway = await spawnChild('gateway', './gateway-server.ts', {
      env: { ...settings, PORT: '0', GW_HOST: '127.0.0.1' },
    });
    children.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${String(gateway.facts.port)}`;
    const provinces = await spawnChild('provinces', './soak-provinces.ts', {
      env: { ...settings, SOAK_GATEWAY_URL: gatewayUrl },
    });
    children.push(provinces);

    const sample = async (label: string): Promise<SoakSample> => {
      const sizes = Object.values(await queueSizes(o.admin, keys));
      const windows = await Promise.all(
        PROVINCES.map((p) => o.admin.zcard(keys.rating(p).windows)),
      );
      const windowBytes = await Promise.all(
        PROVINCES.map(async (p) =>
          Number((await o.admin.call('MEMORY', 'USAGE', keys.rating(p).windows)) ?? 0),
        ),
      );
      const s: SoakSample = {
        label,
        elapsedSec: (performance.now() - started) / 1000,
        submitted,
        closed,
        usedMemoryBytes: await redisUsedMemory(o.admin),
        keys: await o.admin.dbsize(),
        caseKeys: await countKeys(o.admin, `${PREFIX}:*case:*`),
        idempotencyKeys: await countKeys(o.admin, `${PREFIX}:*idem:*`),
        completedJobs: sizes.reduce((n, q) => n + q.completed, 0),
        failedJobs: sizes.reduce((n, q) => n + q.failed, 0),
        streamEntries: sizes.reduce((n, q) => n + q.events, 0),
        longestStream: Math.max(...sizes.map((q) => q.events)),
        ratingWindows: windows.reduce((n, w) => n + w, 0),
        ratingWindowBytes: windowBytes.reduce((n, b) => n + b, 0),
        gatewayRssBytes: Number((await gateway.ask('memory')).rss),
      };
      samples.push(s);
      o.log(
        `soak ${label.padEnd(16)} ${s.elapsedSec.toFixed(0).padStart(5)} s  submitted ${s.submitted}  closed ${s.closed}  redis ${(s.usedMemoryBytes / 2 ** 20).toFixed(1)} MiB  case keys ${s.caseKeys}  completed ${s.completedJobs}  failed ${s.failedJobs}  streams ${s.streamEntries}  gateway RSS ${(s.gatewayRssBytes / 2 ** 20).toFixed(0)} MiB`,
      );
      return s;
    };

    // Closed cases, found by reading the open ones' status now and then (pipelined).
    const checkClosed = async () => {
      const ids = [...open];
      for (let i = 0; i < ids.length; i += 1000) {
        const batch = ids.slice(i, i + 1000);
        const pipeline = o.admin.pipeline();
        for (const id of batch) pipeline.hget(keys.case(id), 'status');
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([, status], j) => {
          // Gone: closed and already expired (retention is longer than a check's period).
          if (status === 'CLOSED' || status === null) {
            open.delete(batch[j]!);
            closed++;
          }
        });
      }
    };

    const mix = SOAK_CASES.filter((c) => !o.without.includes(c.route));
    if (mix.length === 0) throw new Error('soak: --without left no case to submit');
    const clients = new Map(
      [...new Set(mix.map((c) => c.portal))].map((id) => [
        id,
        new GatewayClient(gatewayUrl, { clientId: id, secret: devSecretOf(id) }),
      ]),
    );
    const envelopes = new Map(mix.map((c) => [c.item, soakEnvelope(c.item)]));

    await sample('start');
    let next = 0;
    let nextSample = o.sampleEvery;
    let checking: Promise<void> | undefined;
    const submitOne = async () => {
      const spec = mix[next % mix.length]!;
      const n = next++;
      const res = await clients
        .get(spec.portal)!
        .submitCase<{ caseId: string }>(envelopes.get(spec.item)!, `soak-${process.pid}-${n}`);
      if (res.status === 202) open.add(res.body.caseId);
      else {
        refused++;
        refusedBy[res.status] = (refusedBy[res.status] ?? 0) + 1;
      }
      submitted++;
    };
    const submitter = async () => {
      while (next < o.cases) {
        while (open.size >= o.inFlight) {
          checking ??= checkClosed().finally(() => (checking = undefined));
          await checking;
          if (open.size >= o.inFlight) await new Promise((r) => setTimeout(r, 20));
        }
        await submitOne();
      }
    };
    const sampler = async () => {
      while (submitted < o.cases) {
        if (submitted >= nextSample) {
          await sample(`${nextSample} cases`);
          nextSample += o.sampleEvery;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await Promise.all([...Array.from({ length: 16 }, submitter), sampler()]);
    if (samples.at(-1)?.submitted !== submitted) await sample(`${submitted} cases`);

    // Every case to CLOSED: the pace of the tail is the sandboxes' and workers'.
    const deadline = Date.now() + 300_000;
    while (open.size > 0 && Date.now() < deadline) {
      await checkClosed();
      if (open.size > 0) await new Promise((r) => setTimeout(r, 500));
    }
    await sample('all closed');

    // Retention: closed cases expire after retentionSec, Idempotency-Keys after 120 s.
    o.log(`soak: waiting for retention (${o.retentionSec} s for closed cases, 120 s for keys)`);
    const retentionDeadline = Date.now() + (Math.max(o.retentionSec, 120) + 120) * 1000;
    for (;;) {
      const left =
        (await countKeys(o.admin, `${PREFIX}:*case:*`)) +
        (await countKeys(o.admin, `${PREFIX}:*idem:*`));
      if (left === 0 || Date.now() > retentionDeadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    const end = await sample('after retention');
    return {
      cases: o.cases,
      inFlight: o.inFlight,
      retentionSec: o.retentionSec,
      routes: mix.map((c) => c.route),
      settings: Object.fromEntries(
        Object.entries(settings).filter(([k]) => k !== 'GW_DATA_KEYS' && k !== 'REDIS_URL'),
      ),
      samples,
      refused,
      refusedBy,
      notClosed: open.size,
      memoryRatio: end.usedMemoryBytes / samples[0]!.usedMemoryBytes,
      memoryRatioWithoutWindows:
        (end.usedMemoryBytes - end.ratingWindowBytes) / samples[0]!.usedMemoryBytes,
      queues: await queueSizes(o.admin, keys),
      failedReasons: await failedJobReasons(o.admin, keys),
      durationSec: (performance.now() - started) / 1000,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}
