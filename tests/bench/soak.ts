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
// is a steady state rather than a queue filling up. The portal rates each closed case (好差评) for
// its applicant, as the last step of the lifecycle, for a `--rate-share` of the cases (all by
// default); a case left unrated keeps its rating window open for evaluationWindowDays, by design.
// A `--warm-up` of cases first goes the same way and through retention, so that the run is also
// measured against a Redis whose queues and counters already exist ('warm start').
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
  /** Share of closed cases the portal rates (0–1); the others keep their rating windows open. */
  rateShare: number;
  /** Cases pushed through the lifecycle and retention before the 'warm start' sample (0: none). */
  warmUp: number;
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
  /** Evaluations the portals posted so far (201), and stored evaluations left. */
  rated: number;
  evaluationKeys: number;
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
  /** Evaluations posted with 201, and the others by HTTP status (a case gone before its rating). */
  rated: number;
  ratingRefusedBy: Record<string, number>;
  /** used_memory after retention ÷ before the first case. */
  memoryRatio: number;
  /** The same, leaving out the rating windows still open (not retention's business). */
  memoryRatioWithoutWindows: number;
  /** used_memory after retention ÷ at the warm start (after the warm-up's retention), if any. */
  memoryRatioWarm?: number;
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
  /** Open cases: what to rate once each is CLOSED (empty: left unrated). */
  const open = new Map<string, Rating[]>();
  const toRate: Rating[] = [];
  let submitted = 0;
  let closed = 0;
  let refused = 0;
  let rated = 0;
  const refusedBy: Record<string, number> = {};
  const ratingRefusedBy: Record<string, number> = {};
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
        rated,
        evaluationKeys: await countKeys(o.admin, `${PREFIX}:*:evaluation:*`),
        ratingWindows: windows.reduce((n, w) => n + w, 0),
        ratingWindowBytes: windowBytes.reduce((n, b) => n + b, 0),
        gatewayRssBytes: Number((await gateway.ask('memory')).rss),
      };
      samples.push(s);
      o.log(
        `soak ${label.padEnd(16)} ${s.elapsedSec.toFixed(0).padStart(5)} s  submitted ${s.submitted}  closed ${s.closed}  rated ${s.rated}  redis ${(s.usedMemoryBytes / 2 ** 20).toFixed(1)} MiB  case keys ${s.caseKeys}  completed ${s.completedJobs}  failed ${s.failedJobs}  streams ${s.streamEntries}  windows ${s.ratingWindows}  gateway RSS ${(s.gatewayRssBytes / 2 ** 20).toFixed(0)} MiB`,
      );
      return s;
    };

    // Closed cases, found by reading the open ones' status now and then (pipelined).
    const checkClosed = async () => {
      const ids = [...open.keys()];
      for (let i = 0; i < ids.length; i += 1000) {
        const batch = ids.slice(i, i + 1000);
        const pipeline = o.admin.pipeline();
        for (const id of batch) pipeline.hget(keys.case(id), 'status');
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([, status], j) => {
          const id = batch[j]!;
          // Gone: closed and already expired (retention is longer than a check's period).
          if (status === 'CLOSED' || status === null) {
            if (status === 'CLOSED') toRate.push(...open.get(id)!);
            open.delete(id);
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

    // The portal rates for its applicant: 好评 for each rated party (a proxy case's collecting
    // window too), a joint case party by party (its children's ids, from the 202).
    const rateOne = async ({ portal, caseId, rated: party }: Rating) => {
      const post = () =>
        clients.get(portal)!.request('POST', `/v1/cases/${caseId}/evaluations`, {
          json: { level: 5, rated: party },
          headers: { 'Idempotency-Key': `soak-rating-${caseId}-${party}` },
        });
      let res = await post();
      // A portal retries a 503 with the same Idempotency-Key, as the README tells it to.
      for (let attempt = 1; res.status === 503 && attempt < 4; attempt++) {
        await new Promise((r) => setTimeout(r, 250 * attempt));
        res = await post();
      }
      if (res.status === 201) rated++;
      else ratingRefusedBy[res.status] = (ratingRefusedBy[res.status] ?? 0) + 1;
    };
    let rating = true;
    const rater = async () => {
      while (rating || toRate.length > 0) {
        const next = toRate.shift();
        if (next) await rateOne(next);
        else await new Promise((r) => setTimeout(r, 50));
      }
    };
    const raters = Array.from({ length: 4 }, rater);

    let next = 0;
    let target = 0;
    let nextSample = Number.POSITIVE_INFINITY;
    let checking: Promise<void> | undefined;
    const submitOne = async () => {
      const spec = mix[next % mix.length]!;
      const n = next++;
      const envelope = envelopes.get(spec.item)!;
      const res = await clients.get(spec.portal)!.submitCase<{
        caseId: string;
        route: { children?: { caseId: string }[] };
      }>(envelope, `soak-${process.pid}-${n}`);
      if (res.status === 202) {
        const parties = envelope.mode === 'proxy' ? ['handling', 'collecting'] : ['handling'];
        const ids = res.body.route.children?.map((c) => c.caseId) ?? [res.body.caseId];
        // Every 1/rateShare-th case, spread evenly over the run.
        const rate = Math.floor((n + 1) * o.rateShare) > Math.floor(n * o.rateShare);
        open.set(
          res.body.caseId,
          rate
            ? ids.flatMap((caseId) =>
                parties.map((p) => ({ portal: spec.portal, caseId, rated: p })),
              )
            : [],
        );
      } else {
        refused++;
        refusedBy[res.status] = (refusedBy[res.status] ?? 0) + 1;
      }
      submitted++;
    };
    // A portal rates what closed before it submits more: a rating left waiting behind new
    // submissions could come after retention removed its case (404) and leave its window open.
    const submitter = async () => {
      while (next < target) {
        const due = toRate.shift();
        if (due) {
          await rateOne(due);
          continue;
        }
        if (open.size >= o.inFlight) {
          checking ??= checkClosed().finally(() => (checking = undefined));
          await checking;
          if (open.size >= o.inFlight && toRate.length === 0)
            await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        await submitOne();
      }
    };
    const sampler = async () => {
      while (submitted < target) {
        if (submitted >= nextSample) {
          await sample(`${nextSample} cases`);
          nextSample += o.sampleEvery;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    /** Every open case to CLOSED and rated: the pace of the tail is the sandboxes' and workers'. */
    const closeAll = async () => {
      const deadline = Date.now() + 300_000;
      while ((open.size > 0 || toRate.length > 0) && Date.now() < deadline) {
        await checkClosed();
        if (open.size > 0 || toRate.length > 0) await new Promise((r) => setTimeout(r, 500));
      }
    };
    /** Retention: closed cases and evaluations expire after retentionSec, keys after 120 s. */
    const awaitRetention = async () => {
      o.log(`soak: waiting for retention (${o.retentionSec} s for closed cases, 120 s for keys)`);
      const retentionDeadline = Date.now() + (Math.max(o.retentionSec, 120) + 120) * 1000;
      for (;;) {
        let left = 0;
        for (const pattern of ['*case:*', '*idem:*', '*idem-evaluation:*', '*:evaluation:*'])
          left += await countKeys(o.admin, `${PREFIX}:${pattern}`);
        if (left === 0 || Date.now() > retentionDeadline) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
    };

    const first = await sample('start');
    let warm: SoakSample | undefined;
    if (o.warmUp > 0) {
      target = o.warmUp;
      await Promise.all(Array.from({ length: 16 }, submitter));
      await closeAll();
      await awaitRetention();
      warm = await sample('warm start');
    }
    target = o.warmUp + o.cases;
    nextSample = o.warmUp + o.sampleEvery;
    await Promise.all([...Array.from({ length: 16 }, submitter), sampler()]);
    if (samples.at(-1)?.submitted !== submitted) await sample(`${submitted} cases`);
    await closeAll();
    rating = false;
    await Promise.all(raters);
    await sample('all closed');
    await awaitRetention();
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
      rated,
      ratingRefusedBy,
      memoryRatio: end.usedMemoryBytes / first.usedMemoryBytes,
      memoryRatioWithoutWindows:
        (end.usedMemoryBytes - end.ratingWindowBytes) / first.usedMemoryBytes,
      ...(warm ? { memoryRatioWarm: end.usedMemoryBytes / warm.usedMemoryBytes } : {}),
      queues: await queueSizes(o.admin, keys),
      failedReasons: await failedJobReasons(o.admin, keys),
      durationSec: (performance.now() - started) / 1000,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

interface Rating {
  portal: string;
  caseId: string;
  rated: string;
}
