// `npm run bench` (issue 7): intake and dispatch measured against baselines in the same run, plus
// the gateway's footprint. Every server and worker under test runs in a child process on a private
// redis-server; the load generator (autocannon) runs here. Prints a table, writes
// tests/bench/results/latest.json, and exits 1 if any request or job failed (a benchmark of
// errors measures nothing). Targets are reported, never asserted.
//   npm run bench                    full run (~5 min)
//   npm run bench -- --quick         short run (~1.5 min)
//   npm run bench -- --profile       also write CPU profiles of the gateway and adapter-worker
//                                    children to results/ (summarise: tests/bench/profile-summary.ts),
//                                    and of the gateway's and the duties baseline's intake rounds
//   npm run bench -- --only intake   or --only dispatch, or --only processes (intake with 1 vs 2
//                                    gateway processes, README.md#scaling-the-gateway)
//   npm run bench -- --before <git ref>   intake of that commit's gateway against this checkout's,
//                                    alternating rounds (before-after.ts); nothing else runs
//   npm run bench -- --before <git ref> --only dispatch   the dispatch bench with that commit's
//                                    adapter worker as a third worker in every round (dispatch.ts)
//   npm run bench -- --soak --cases 100000   the soak alone: cases through their whole lifecycle
//                                    with the sandboxes, then retention (soak.ts; also
//                                    --in-flight N --sample-every N --retention SECONDS
//                                    --without gz,xz to leave routes out of the mix,
//                                    --rate-share 0.5 to rate half the closed cases (1 by default),
//                                    --warm-up N cases first, through retention (1000; 0: none))
//   npm run bench -- --appendfsync always   the bench's Redis with AOF, every write fsynced (or
//                                    everysec), as production runs it (README.md#redis-durability):
//                                    the same Redis for the gateway and every baseline
//   npm run bench -- --wait-replicas 1   the bench's Redis with that many replicas, and the gateway
//                                    waiting for them before each 202 (GW_REDIS_WAIT_REPLICAS,
//                                    README.md#replicas); the plain service does not wait
//   npm run bench -- --only events --wait-replicas 1   province events paced at --rate (100), a
//                                    gateway waiting for the replicas against one not waiting,
//                                    alternating rounds (events.ts; nothing else runs)
//   npm run bench -- --only shedding   one gateway process per GW_MAX_IN_FLIGHT (the default and
//                                    --bounds, 16,64,256,100000) under --levels connections
//                                    (1,2,4,…,1024) of signed intake, --duration s each (3; --quick
//                                    1.5): accepted req/s, p50/p99, share shed, /readyz and /healthz
//                                    answer times (shedding.ts; nothing else runs); a shed client
//                                    sends again at once, or with --after-shed retry-after waits
//                                    the answer's Retry-After
//   npm run bench -- --only dispatch --baseline-client node-http   the minimal BullMQ worker
//                                    calling with node:http, as the adapters do, instead of fetch
//   (experiments: --rounds N --duration S --rate R --cases N --concurrency C --log-level warn)
import { Redis } from 'ioredis';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { checkout, runBeforeAfter, type BeforeAfterResult } from './before-after.ts';
import { runDispatch, type DispatchResult } from './dispatch.ts';
import { runEvents, type EventsResult } from './events.ts';
import { runIntake, type IntakeResult } from './intake.ts';
import { runProcesses, type ProcessesOptions, type ProcessesResult } from './processes.ts';
import { runShedding, type SheddingResult } from './shedding.ts';
import { runSoak, type SoakResult } from './soak.ts';
import { printReport } from './report.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'in-flight': { type: 'string' },
    'sample-every': { type: 'string' },
    retention: { type: 'string' },
    without: { type: 'string' },
    'rate-share': { type: 'string' },
    'warm-up': { type: 'string' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    before: { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    cases: { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    'log-level': { type: 'string' },
    appendfsync: { type: 'string' },
    'wait-replicas': { type: 'string' },
    'baseline-client': { type: 'string' },
    levels: { type: 'string' },
    bounds: { type: 'string' },
    'after-shed': { type: 'string' },
  },
});
const appendfsync = args.appendfsync;
if (appendfsync !== undefined && appendfsync !== 'always' && appendfsync !== 'everysec') {
  process.stderr.write(`--appendfsync takes always or everysec, not ${appendfsync}\n`);
  process.exit(2);
}
const afterShed = args['after-shed'] ?? 'immediate';
if (afterShed !== 'immediate' && afterShed !== 'retry-after') {
  process.stderr.write(`--after-shed takes immediate or retry-after, not ${afterShed}\n`);
  process.exit(2);
}
const quick = args.quick ?? false;
const num = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : Number(value);

const settings = {
  mode: quick ? 'quick' : 'full',
  connections: num(args.connections, 10),
  durationSec: num(args.duration, quick ? 3 : 10),
  warmupSec: quick ? 2 : 5,
  rounds: num(args.rounds, quick ? 2 : 5),
  latencySec: quick ? 5 : 15,
  fixedRate: num(args.rate, 2000),
  footprintSamples: 200,
  cases: num(args.cases, quick ? 300 : 2000),
  warmupCases: quick ? 100 : 300,
  dispatchRounds: num(args.rounds, quick ? 2 : 3),
  concurrency: num(args.concurrency, 16),
  logLevel: args['log-level'] ?? 'info',
  redisAof: appendfsync ?? 'off',
  redisWaitReplicas: num(args['wait-replicas'], 0),
};

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });

const cpuList = cpus();
const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpuModel: cpuList[0]?.model ?? 'unknown',
  cores: cpuList.length,
  availableParallelism: availableParallelism(),
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: `${process.platform} ${process.arch}`,
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
log(
  `bench (${settings.mode}): Node ${machine.node}, ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverageAtStart.join(' ')}`,
);

const dir = mkdtempSync(join(tmpdir(), 'swgw-bench-redis-'));
// Without AOF by default: the ratios compare CPU, and an fsync costs every side the same wait.
const redis = await startPrivateRedis(
  appendfsync ? { dir, persistent: true, appendfsync } : { dir, persistent: false },
);
const waitReplicas = num(args['wait-replicas'], 0);
const replicas = await Promise.all(
  Array.from({ length: waitReplicas }, (_, n) =>
    startPrivateRedis({ dir: join(dir, `replica-${n}`), persistent: false, replicaOf: redis.port }),
  ),
);
const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
for (const replica of replicas) {
  const probe = new Redis(replica.url);
  while (!/master_link_status:up/.test(await probe.info('replication'))) {
    await new Promise((r) => setTimeout(r, 50));
  }
  probe.disconnect();
}
let intake: IntakeResult | undefined;
let dispatch: DispatchResult | undefined;
let processes: ProcessesResult | undefined;
let soak: SoakResult | undefined;
let beforeAfter: BeforeAfterResult | undefined;
let events: EventsResult | undefined;
let shedding: SheddingResult | undefined;
// The soak and the before/after comparison run alone: nothing else shares the machine with them.
// The dispatch bench takes an earlier commit as a third worker of its own rounds instead.
const dispatchBefore = args.before !== undefined && args.only === 'dispatch';
const separateRun =
  (args.soak ?? false) ||
  (args.before !== undefined && !dispatchBefore) ||
  args.only === 'events' ||
  args.only === 'shedding';
let failure: string | undefined;
try {
  const redisVersion = (await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?';
  Object.assign(machine, { redis: redisVersion });
  // The signed load both gateway-process comparisons (1 vs 2 processes, before vs after) put on.
  const gatewayLoad: ProcessesOptions = {
    redisUrl: redis.url,
    connections: settings.connections,
    durationSec: settings.durationSec,
    warmupSec: settings.warmupSec,
    rounds: settings.rounds,
    logLevel: settings.logLevel,
    log,
  };
  if (args.before !== undefined && !dispatchBefore) {
    beforeAfter = await runBeforeAfter({ ...gatewayLoad, admin, ref: args.before });
  } else if (args.only === 'events') {
    events = await runEvents({
      redisUrl: redis.url,
      admin,
      waitReplicas,
      rate: num(args.rate, 100),
      durationSec: num(args.duration, quick ? 5 : 10),
      rounds: settings.rounds,
      logLevel: settings.logLevel,
      log,
    });
    log(
      `events at ${events.rate}/s paced: waiting for ${waitReplicas} replica(s) p50 ${events.waiting.medianP50Ms.toFixed(2)} ms p99 ${events.waiting.medianP99Ms.toFixed(2)} ms cpu/event ${Math.round(events.waiting.medianCpuUs)} µs; not waiting p50 ${events.notWaiting.medianP50Ms.toFixed(2)} ms p99 ${events.notWaiting.medianP99Ms.toFixed(2)} ms cpu/event ${Math.round(events.notWaiting.medianCpuUs)} µs (medians of ${settings.rounds} rounds)`,
    );
  } else if (args.only === 'shedding') {
    const list = (value: string | undefined, fallback: number[]) =>
      value === undefined ? fallback : value.split(',').map(Number);
    shedding = await runShedding({
      redisUrl: redis.url,
      levels: list(args.levels, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]),
      candidates: list(args.bounds, [16, 64, 256, 100_000]),
      settleSec: quick ? 0.5 : 1,
      durationSec: num(args.duration, quick ? 1.5 : 3),
      warmupSec: settings.warmupSec,
      afterShed,
      logLevel: settings.logLevel,
      log,
    });
  } else if (args.soak) {
    soak = await runSoak({
      redisUrl: redis.url,
      admin,
      cases: num(args.cases, 100_000),
      inFlight: num(args['in-flight'], 2000),
      sampleEvery: num(args['sample-every'], 10_000),
      retentionSec: num(args.retention, 60),
      without: args.without?.split(',').filter(Boolean) ?? [],
      rateShare: num(args['rate-share'], 1),
      warmUp: num(args['warm-up'], 1000),
      logLevel: args['log-level'] ?? 'warn',
      log,
    });
  }
  if (!separateRun && (args.only === undefined || args.only === 'intake')) {
    intake = await runIntake({
      redisUrl: redis.url,
      admin,
      connections: settings.connections,
      durationSec: settings.durationSec,
      warmupSec: settings.warmupSec,
      rounds: settings.rounds,
      latencySec: settings.latencySec,
      fixedRate: settings.fixedRate,
      footprintSamples: settings.footprintSamples,
      logLevel: settings.logLevel,
      ...(args.profile ? { profileDir: resultsDir } : {}),
      ...(waitReplicas > 0 ? { gatewayEnv: { GW_REDIS_WAIT_REPLICAS: String(waitReplicas) } } : {}),
      log,
    });
  }
  if (!separateRun && (args.only === undefined || args.only === 'dispatch')) {
    const earlier = dispatchBefore ? checkout(args.before ?? '') : undefined;
    try {
      dispatch = await runDispatch({
        redisUrl: redis.url,
        cases: settings.cases,
        warmupCases: settings.warmupCases,
        rounds: settings.dispatchRounds,
        concurrency: settings.concurrency,
        logLevel: settings.logLevel,
        baselineClient: args['baseline-client'] === 'node-http' ? 'node-http' : 'fetch',
        ...(args.profile ? { profileDir: resultsDir } : {}),
        ...(earlier ? { before: { label: args.before ?? '', ...earlier } } : {}),
        log,
      });
    } finally {
      earlier?.remove();
    }
  }
  if (!separateRun && (args.only === undefined || args.only === 'processes')) {
    processes = await runProcesses(gatewayLoad);
  }
} catch (error) {
  failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
} finally {
  admin.disconnect();
  for (const replica of replicas) await replica.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}

const problems = printReport({
  machine,
  settings,
  intake,
  dispatch,
  processes,
  beforeAfter,
  soak,
  shedding,
  failure,
});
const file = join(resultsDir, 'latest.json');
writeFileSync(
  file,
  `${JSON.stringify({ machine, settings, intake, dispatch, processes, beforeAfter, soak, events, shedding, problems, failure }, null, 2)}\n`,
);
console.log(`\nwritten: ${file}`);
process.exit(problems.length > 0 ? 1 : 0);
