// Dispatch bench: N stored, queued cases delivered to a minimal local sc-chengdu backend (child) by
// the real adapter worker (child: adapters/worker-process.ts startWorkers with the real sc-chengdu
// adapter)
// vs a minimal BullMQ worker making the same HTTP call (child), alternating rounds, each on fresh
// keys. Cases are stored exactly as the submit path does it (CaseStore.create: case, history,
// outbox) and queued by the outbox relay (relayShard, here and in the adapter worker's own relay). Each worker first drains a warm-up batch, then the queue
// is paused, the measured batch is queued, and the queue resumed; throughput is N over the span
// from the first job's processedOn to the last job's finishedOn (BullMQ's own timestamps).
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config.ts';
import { loadAdapterSettings } from '../../adapters/kit/adapter-config.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import { relayShard, type RelayDeps } from '../../gateway/queues/outbox-relay.ts';
import { CallbackQueue } from '../../gateway/callbacks/callback-queue.ts';
import { randomBytes } from 'node:crypto';
import { createCaseStore } from '../../gateway/cases/case-store.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import { CaseQueues } from '../../gateway/queues/case-queues.ts';
import { redisKeys, routeQueueName, type RedisKeys } from '../../gateway/shared/redis-keys.ts';
import {
  BENCH_ADAPTER,
  BENCH_CLIENT,
  benchEnvelope,
  benchHistory,
  benchRecord,
} from './bench-case.ts';
import { spawnChild, type RunningChild } from './ipc.ts';
import { median } from './stats.ts';

export type WorkerKind = 'adapter' | 'baseline';

export interface DispatchOptions {
  redisUrl: string;
  cases: number;
  warmupCases: number;
  rounds: number;
  concurrency: number;
  /** LOG_LEVEL of the gateway / adapter worker (default info, as in production). */
  logLevel: string;
  /** Write a CPU profile of each adapter-worker child here (node --cpu-prof). */
  profileDir?: string;
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
}

export interface DispatchResult {
  cases: number;
  concurrency: number;
  adapter: { rounds: DispatchRound[]; medianJobsPerSec: number };
  baseline: { rounds: DispatchRound[]; medianJobsPerSec: number };
  roundRatios: number[];
  ratio: number;
  backend: Record<string, unknown>;
  failures: number;
}

const SCRIPTS: Record<WorkerKind, string> = {
  adapter: './real-worker.ts',
  baseline: './baseline-worker.ts',
};

async function seed(
  relay: RelayDeps,
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
          { clientId: BENCH_CLIENT, keyHash, record: { caseId: id, requestHash: 'bench' } },
          envelope,
          [{ record, history: benchHistory(record) }],
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
  const relay: RelayDeps = { store, queues, callbacks: new CallbackQueue(redis, keys, config) };
  const envelope = benchEnvelope();
  let child: RunningChild | undefined;
  try {
    child = await spawnChild(kind, SCRIPTS[kind], {
      env: {
        REDIS_URL: o.redisUrl,
        GW_KEY_PREFIX: prefix,
        GW_ENV: 'development',
        LOG_LEVEL: o.logLevel,
        BENCH_BACKEND_URL: backendUrl,
        BENCH_BACKEND_API_KEY: apiKey,
        BENCH_CONCURRENCY: String(o.concurrency),
      },
      ...(o.profileDir && kind === 'adapter'
        ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', o.profileDir] }
        : {}),
    });
    await seed(relay, redis, keys, envelope, o.warmupCases);
    await waitForDone(queues, o.warmupCases, 120_000);

    const queue = queues.queue(BENCH_ADAPTER);
    await queue.pause();
    const ids = await seed(relay, redis, keys, envelope, o.cases);
    const started = performance.now();
    await queue.resume();
    const { completed, failed } = await waitForDone(queues, o.warmupCases + o.cases, 300_000);
    const wallMs = performance.now() - started;

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
    const rounds: Record<WorkerKind, DispatchRound[]> = { adapter: [], baseline: [] };
    for (let i = 0; i < o.rounds; i++) {
      const order: WorkerKind[] = i % 2 === 0 ? ['adapter', 'baseline'] : ['baseline', 'adapter'];
      for (const kind of order) {
        const r = await measure(o, kind, `bench-dispatch-${i}-${kind}`, url, apiKey);
        rounds[kind].push(r);
        o.log(
          `dispatch round ${i + 1}/${o.rounds} ${kind.padEnd(8)} ${r.jobsPerSec.toFixed(0).padStart(6)} jobs/s  (${o.cases} jobs in ${r.spanMs} ms)${r.failed ? `  FAILED ${r.failed}` : ''}`,
        );
      }
    }
    const roundRatios = rounds.adapter.map((a, i) => a.jobsPerSec / rounds.baseline[i]!.jobsPerSec);
    const failures =
      [...rounds.adapter, ...rounds.baseline].reduce(
        (n, r) => n + r.failed + (o.cases - r.completed),
        0,
      ) + rounds.adapter.reduce((n, r) => n + (o.cases - r.delivered), 0);
    return {
      cases: o.cases,
      concurrency: o.concurrency,
      adapter: {
        rounds: rounds.adapter,
        medianJobsPerSec: median(rounds.adapter.map((r) => r.jobsPerSec)),
      },
      baseline: {
        rounds: rounds.baseline,
        medianJobsPerSec: median(rounds.baseline.map((r) => r.jobsPerSec)),
      },
      roundRatios,
      ratio: median(roundRatios),
      backend: await backend.ask('stats'),
      failures,
    };
  } finally {
    await backend.stop();
  }
}
