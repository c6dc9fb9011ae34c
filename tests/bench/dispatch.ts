// Dispatch bench: N stored, queued cases delivered to a minimal local sc-chengdu backend (child) by
// the real adapter worker (child: adapters/worker-process.ts startWorkers with the real sc-chengdu
// adapter)
// vs a minimal BullMQ worker making the same HTTP call (child), alternating rounds, each on fresh
// keys. Cases are stored exactly as the submit path does it (CaseStore.create: case, history,
// outbox) and queued by the outbox relay (relayShard, here and in the adapter worker's own relay). Each worker first drains a warm-up batch, then the queue
// is paused, the measured batch is queued, and the queue resumed; throughput is N over the span
// from the first job's processedOn to the last job's finishedOn (BullMQ's own timestamps). CPU
// per job is the worker child's and redis-server's CPU time over the measured batch (from resume
// until every job finished) divided by N: unlike jobs/s it does not move with the machine's load.
// With `--before <ref>` the adapter worker of that commit (a worktree, before-after.ts checkout)
// runs as a third worker in every round, the order rotating, so its figures and this checkout's
// come from the same machine and the same minutes.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config.ts';
import { loadAdapterSettings } from '../../adapters/kit/adapter-config.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import { relayShard, type RelayDeps } from '../../gateway/queues/outbox-relay.ts';
import { CallbackQueue } from '../../gateway/callbacks/callback-queue.ts';
import { randomBytes } from 'node:crypto';
import { createCaseStore, type CaseStore } from '../../gateway/cases/case-store.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import { CaseQueues } from '../../gateway/queues/case-queues.ts';
import { redisKeys, routeQueueName, type RedisKeys } from '../../gateway/shared/redis-keys.ts';
import { BENCH_ADAPTER, BENCH_CLIENT, benchEnvelope, benchRecord } from './bench-case.ts';
import { spawnChild, type Facts, type RunningChild } from './ipc.ts';
import { median, redisCommandStats, redisCpuSeconds } from './stats.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

export type WorkerKind = 'adapter' | 'baseline' | 'before';

export interface DispatchOptions {
  redisUrl: string;
  cases: number;
  warmupCases: number;
  rounds: number;
  concurrency: number;
  /** How the minimal worker calls the province: fetch, or node:http as the adapters do. */
  baselineClient: 'fetch' | 'node-http';
  /** LOG_LEVEL of the gateway / adapter worker (default info, as in production). */
  logLevel: string;
  /**
   * Write a CPU profile of each worker child over its measured batch here,
   * bench-dispatch-<round>-<kind>.cpuprofile.
   */
  profileDir?: string;
  /** An earlier commit's adapter worker, measured in the same rounds: its checkout's root. */
  before?: { label: string; commit: string; root: string };
  log: (line: string) => void;
}

export interface DispatchRound {
  kind: WorkerKind;
  jobsPerSec: number;
  spanMs: number;
  wallMs: number;
  completed: number;
  failed: number;
  /** Cases whose record reads DELIVERED afterwards (the adapter worker writes it; the baseline does not). */
  delivered: number;
  /** CPU µs per job over the measured batch: the worker child's, and redis-server's. */
  cpuUsPerJob: { worker: number; redis: number };
  /**
   * Redis's commands over the measured batch (INFO commandstats), per job: calls and µs of
   * Redis's own time in the command, busiest first (commands a script runs are counted too).
   */
  commandsPerJob: Record<string, { calls: number; us: number }>;
}

export interface WorkerSummary {
  rounds: DispatchRound[];
  medianJobsPerSec: number;
  medianCpuUsPerJob: { worker: number; redis: number };
}

export interface DispatchResult {
  cases: number;
  baselineClient: DispatchOptions['baselineClient'];
  concurrency: number;
  adapter: WorkerSummary;
  baseline: WorkerSummary;
  roundRatios: number[];
  ratio: number;
  /** The earlier commit's adapter worker, and this checkout's ÷ it per round (CPU and jobs/s). */
  before?: WorkerSummary & {
    label: string;
    commit: string;
    cpuRatios: number[];
    cpuRatio: number;
    jobsRatios: number[];
    jobsRatio: number;
  };
  backend: Record<string, unknown>;
  failures: number;
}

const SCRIPTS: Record<Exclude<WorkerKind, 'before'>, string> = {
  adapter: './real-worker.ts',
  baseline: './baseline-worker.ts',
};

async function seed(
  relay: RelayDeps & { store: CaseStore },
  redis: Redis,
  keys: RedisKeys,
  envelope: SubmissionEnvelope,
  count: number,
): Promise<string[]> {
  const { store } = relay;
  const ids: string[] = [];
  const batch = 50;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    await Promise.all(
      Array.from({ length: n }, async () => {
        const keyHash = randomBytes(32).toString('hex');
        const id = newCaseId(store.submissionShard(keyHash));
        ids.push(id);
        const record = benchRecord(id, new Date().toISOString());
        const outcome = await store.create(
          {
            clientId: BENCH_CLIENT,
            keyHash,
            record: { id, requestHash: 'bench' },
            legacyRequestHash: 'bench',
          },
          envelope,
          [{ record }],
        );
        if (!outcome.created) throw new Error(`seed: case ${id} not created`);
      }),
    );
  }
  // Relayed here too (the baseline worker has no relay), then until no relay holds a claim.
  for (;;) {
    for (const shard of keys.allShards) await relayShard(relay, shard.shard, Date.now());
    const left = await Promise.all(keys.allShards.map((s) => redis.zcard(s.outbox)));
    if (left.every((n) => n === 0)) return ids;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitForDone(queues: CaseQueues, total: number, timeoutMs: number) {
  const queue = queues.queue(BENCH_ADAPTER);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    if (completed + failed >= total) return { completed, failed };
    if (Date.now() > deadline) {
      throw new Error(`dispatch: ${completed + failed}/${total} jobs finished in ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function measure(
  o: DispatchOptions,
  kind: WorkerKind,
  prefix: string,
  backendUrl: string,
  apiKey: string,
): Promise<DispatchRound> {
  const config = loadConfig({ REDIS_URL: o.redisUrl, GW_KEY_PREFIX: prefix });
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  // No listeners: seeding is not measured, and the bench cases have no callbackUrl.
  const store = createCaseStore({ redis, config, listeners: [], now: () => new Date() });
  const keys = redisKeys(prefix);
  const queues = new CaseQueues(redis, keys, config);
  const relay = {
    store,
    queues,
    callbacks: new CallbackQueue(redis, keys, config),
  } satisfies RelayDeps;
  const envelope = benchEnvelope();
  let child: RunningChild | undefined;
  try {
    const script =
      kind === 'before' ? join(o.before?.root ?? '', 'tests/bench/real-worker.ts') : SCRIPTS[kind];
    child = await spawnChild(kind, script, {
      env: {
        // The earlier checkout has its own development data key file: open with this one's.
        ...(kind === 'before' ? { GW_DATA_KEY_FILE: projectPath('.data/data-keys') } : {}),
        REDIS_URL: o.redisUrl,
        GW_KEY_PREFIX: prefix,
        GW_ENV: 'development',
        LOG_LEVEL: o.logLevel,
        BENCH_BACKEND_URL: backendUrl,
        BENCH_BACKEND_API_KEY: apiKey,
        BENCH_CONCURRENCY: String(o.concurrency),
        BENCH_BASELINE_CLIENT: o.baselineClient,
        ...(o.profileDir ? { BENCH_PROFILE_FILE: join(o.profileDir, `${prefix}.cpuprofile`) } : {}),
      },
    });
    await seed(relay, redis, keys, envelope, o.warmupCases);
    await waitForDone(queues, o.warmupCases, 120_000);

    const queue = queues.queue(BENCH_ADAPTER);
    await queue.pause();
    const ids = await seed(relay, redis, keys, envelope, o.cases);
    const cpuSeconds = (f: Facts) => (Number(f.user) + Number(f.system)) / 1e6;
    const before = {
      worker: cpuSeconds(await child.ask('cpu')),
      redis: await redisCpuSeconds(redis),
    };
    const commandsBefore = await redisCommandStats(redis);
    if (o.profileDir) await child.ask('profile-start');
    const started = performance.now();
    await queue.resume();
    const { completed, failed } = await waitForDone(queues, o.warmupCases + o.cases, 300_000);
    const wallMs = performance.now() - started;
    const perJob = (seconds: number) => (seconds * 1e6) / o.cases;
    const cpuUsPerJob = {
      worker: perJob(cpuSeconds(await child.ask('cpu')) - before.worker),
      redis: perJob((await redisCpuSeconds(redis)) - before.redis),
    };
    const commandsPerJob: DispatchRound['commandsPerJob'] = {};
    const commandsAfter = [...(await redisCommandStats(redis))].sort(
      ([, a], [, b]) => b.usec - a.usec,
    );
    for (const [name, after] of commandsAfter) {
      const was = commandsBefore.get(name) ?? { calls: 0, usec: 0 };
      // The bench's own look-ups (INFO, the job counts) are not the worker's.
      if (after.calls === was.calls || name === 'info') continue;
      commandsPerJob[name] = {
        calls: Math.round(((after.calls - was.calls) / o.cases) * 100) / 100,
        us: Math.round(((after.usec - was.usec) / o.cases) * 10) / 10,
      };
    }
    if (o.profileDir) await child.ask('profile-stop');

    const pipeline = redis.pipeline();
    for (const id of ids) {
      pipeline.hmget(
        `${keys.queuePrefix(routeQueueName(BENCH_ADAPTER))}:${routeQueueName(BENCH_ADAPTER)}:${id}`,
        'processedOn',
        'finishedOn',
      );
      pipeline.hget(keys.case(id), 'status');
    }
    const replies = (await pipeline.exec()) ?? [];
    let first = Infinity;
    let last = -Infinity;
    let delivered = 0;
    for (let i = 0; i < replies.length; i += 2) {
      const [processedOn, finishedOn] = replies[i]![1] as [string | null, string | null];
      if (processedOn) first = Math.min(first, Number(processedOn));
      if (finishedOn) last = Math.max(last, Number(finishedOn));
      if (replies[i + 1]![1] === 'DELIVERED') delivered++;
    }
    const spanMs = last - first;
    return {
      kind,
      jobsPerSec: (o.cases / spanMs) * 1000,
      spanMs,
      wallMs,
      completed: completed - o.warmupCases,
      failed,
      delivered,
      cpuUsPerJob,
      commandsPerJob,
    };
  } finally {
    await child?.stop();
    await queues.close();
    await relay.callbacks.close();
    redis.disconnect();
  }
}

export async function runDispatch(o: DispatchOptions): Promise<DispatchResult> {
  const apiKey = String(loadAdapterSettings({ env: 'development' })[BENCH_ADAPTER].apiKey);
  const backend = await spawnChild('backend', './province-backend.ts', {
    env: { BENCH_BACKEND_API_KEY: apiKey },
  });
  try {
    const url = String(backend.facts.url);
    const rounds: Record<WorkerKind, DispatchRound[]> = { adapter: [], baseline: [], before: [] };
    const kinds: WorkerKind[] = o.before
      ? ['adapter', 'before', 'baseline']
      : ['adapter', 'baseline'];
    for (let i = 0; i < o.rounds; i++) {
      // Each worker first, second (and third) in turn.
      const order = [...kinds.slice(i % kinds.length), ...kinds.slice(0, i % kinds.length)];
      for (const kind of order) {
        const r = await measure(o, kind, `bench-dispatch-${i}-${kind}`, url, apiKey);
        rounds[kind].push(r);
        o.log(
          `dispatch round ${i + 1}/${o.rounds} ${kind.padEnd(8)} ${r.jobsPerSec.toFixed(0).padStart(6)} jobs/s  (${o.cases} jobs in ${r.spanMs} ms)  cpu/job ${r.cpuUsPerJob.worker.toFixed(0)} µs worker, ${r.cpuUsPerJob.redis.toFixed(0)} µs redis${r.failed ? `  FAILED ${r.failed}` : ''}`,
        );
        o.log(
          `  redis per job: ${Object.entries(r.commandsPerJob)
            .slice(0, 8)
            .map(([name, c]) => `${name} ${c.calls}× ${c.us} µs`)
            .join(', ')}`,
        );
      }
    }
    const roundRatios = rounds.adapter.map((a, i) => a.jobsPerSec / rounds.baseline[i]!.jobsPerSec);
    const failures =
      [...rounds.adapter, ...rounds.baseline, ...rounds.before].reduce(
        (n, r) => n + r.failed + (o.cases - r.completed),
        0,
      ) + [...rounds.adapter, ...rounds.before].reduce((n, r) => n + (o.cases - r.delivered), 0);
    const summary = (of: DispatchRound[]): WorkerSummary => ({
      rounds: of,
      medianJobsPerSec: median(of.map((r) => r.jobsPerSec)),
      medianCpuUsPerJob: {
        worker: median(of.map((r) => r.cpuUsPerJob.worker)),
        redis: median(of.map((r) => r.cpuUsPerJob.redis)),
      },
    });
    // Only with --before: without it there is no earlier worker's round to divide by.
    const per = (f: (after: DispatchRound, before: DispatchRound) => number) =>
      o.before ? rounds.adapter.map((a, i) => f(a, rounds.before[i]!)) : [];
    const cpuRatios = per((a, b) => a.cpuUsPerJob.worker / b.cpuUsPerJob.worker);
    const jobsRatios = per((a, b) => a.jobsPerSec / b.jobsPerSec);
    return {
      cases: o.cases,
      baselineClient: o.baselineClient,
      concurrency: o.concurrency,
      ...(o.before
        ? {
            before: {
              ...summary(rounds.before),
              label: o.before.label,
              commit: o.before.commit,
              cpuRatios,
              cpuRatio: median(cpuRatios),
              jobsRatios,
              jobsRatio: median(jobsRatios),
            },
          }
        : {}),
      adapter: summary(rounds.adapter),
      baseline: summary(rounds.baseline),
      roundRatios,
      ratio: median(roundRatios),
      backend: await backend.ask('stats'),
      failures,
    };
  } finally {
    await backend.stop();
  }
}
