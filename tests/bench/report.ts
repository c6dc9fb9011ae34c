// The bench's table on stdout. Returns the failures (non-2xx, errors, repeated nonces, failed jobs)
// that make the run worthless; missed targets are reported, not failures.
import type { BeforeAfterResult } from './before-after.ts';
import type { DispatchResult } from './dispatch.ts';
import type { IntakeResult } from './intake.ts';
import type { ProcessesResult } from './processes.ts';
import type { SheddingResult } from './shedding.ts';
import { sheddingProblems } from './shedding-figures.ts';
import type { SoakResult } from './soak.ts';

export interface Report {
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  intake?: IntakeResult;
  dispatch?: DispatchResult;
  processes?: ProcessesResult;
  beforeAfter?: BeforeAfterResult;
  soak?: SoakResult;
  shedding?: SheddingResult;
  failure?: string;
}

export const TARGETS = {
  /** Gateway req/s ÷ the plain express + ajv + BullMQ queue.add service. */
  plainRatio: 1.0,
  /** Gateway req/s ÷ bare express 5. */
  intakeRatio: 0.35,
  p99Ms: 10,
  relayP50Ms: 2,
  relayP99Ms: 10,
  dispatchRatio: 0.95,
  perCaseBytes: 1.5 * 1024,
  compileMs: 1000,
};

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    )
    .map((line) => `  ${line}`)
    .join('\n');
}

export function printReport(r: Report): string[] {
  const problems: string[] = [];
  const m = r.machine;
  const out: string[] = [];
  out.push('');
  out.push(
    `swgw bench — ${String(m.date)} — Node ${String(m.node)} — ${String(m.cpuModel)}, ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB — Redis ${String((m.redis as string | undefined) ?? '?')} — ${String(r.settings.mode)} run`,
  );
  out.push(
    `  ${String(m.cores)} cores: server child, redis-server and the load generator share them (the load generator signs every request), so absolute numbers are low and noisy; read the ratios.`,
  );
  const aof = typeof r.settings.redisAof === 'string' ? r.settings.redisAof : 'off';
  const waited = Number(r.settings.redisWaitReplicas ?? 0);
  if (aof !== 'off' || waited > 0) {
    out.push(
      `  Redis: AOF ${aof}${waited > 0 ? `, ${waited} replica(s) the gateway waits for before each 202 (the plain service does not)` : ''}.`,
    );
  }

  const i = r.intake;
  if (i) {
    out.push('');
    out.push(
      `Intake — signed POST /v1/cases (SW-005 example), ${i.connections} connections × ${i.durationSec} s, ${i.rounds} rotating rounds (gateway, plain, plain with duties, bare), medians`,
    );
    out.push(
      table([
        ['', 'req/s', 'p50 ms', 'p99 ms'],
        [
          'gateway',
          f0(i.gateway.medianRequestsPerSec),
          f2(i.gateway.medianP50Ms),
          f2(i.gateway.medianP99Ms),
        ],
        [
          'plain service (express.json + ajv + BullMQ queue.add)',
          f0(i.plain.medianRequestsPerSec),
          f2(i.plain.medianP50Ms),
          f2(i.plain.medianP99Ms),
        ],
        [
          'plain service + signature/nonce, sealed payload, idempotency',
          f0(i.duties.medianRequestsPerSec),
          f2(i.duties.medianP50Ms),
          f2(i.duties.medianP99Ms),
        ],
        [
          'bare express 5',
          f0(i.baseline.medianRequestsPerSec),
          f2(i.baseline.medianP50Ms),
          f2(i.baseline.medianP99Ms),
        ],
        [
          `gateway ÷ plain (median of rounds: ${i.plainRoundRatios.map(f2).join(' ')})`,
          f2(i.plainRatio),
          '',
          `target ≥ ${TARGETS.plainRatio}: ${verdict(i.plainRatio >= TARGETS.plainRatio)}`,
        ],
        [
          `gateway ÷ plain with duties (median of rounds: ${i.dutiesRoundRatios.map(f2).join(' ')})`,
          f2(i.dutiesRatio),
          '',
          'no target: what the duties explain',
        ],
        [
          `gateway ÷ bare (median of rounds: ${i.roundRatios.map(f2).join(' ')})`,
          f2(i.ratio),
          '',
          `target ≥ ${TARGETS.intakeRatio}: ${verdict(i.ratio >= TARGETS.intakeRatio)}`,
        ],
      ]),
    );
    out.push(
      `  CPU per request (median): gateway ${f0(i.gateway.medianCpuUs.server)} µs + redis-server ${f0(i.gateway.medianCpuUs.redis)} µs; plain ${f0(i.plain.medianCpuUs.server)} µs + redis-server ${f0(i.plain.medianCpuUs.redis)} µs; plain with duties ${f0(i.duties.medianCpuUs.server)} µs + redis-server ${f0(i.duties.medianCpuUs.redis)} µs; bare express ${f0(i.baseline.medianCpuUs.server)} µs; load generator ${f0(i.gateway.medianCpuUs.loadGenerator)} / ${f0(i.plain.medianCpuUs.loadGenerator)} / ${f0(i.baseline.medianCpuUs.loadGenerator)} µs`,
    );
    const l = i.latency;
    out.push('');
    out.push(`Latency under load — offered ${l.offeredRate} req/s (${l.rateNote})`);
    const names = {
      gateway: 'gateway, autocannon overallRate',
      plain: 'plain service, autocannon overallRate',
      baseline: 'bare express 5, autocannon overallRate',
      pacedGateway: 'gateway, paced open-loop',
      pacedPlain: 'plain service, paced open-loop',
      pacedBaseline: 'bare express 5, paced open-loop',
    } as const;
    out.push(
      table([
        ['', 'achieved', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', `p99 ≤ ${TARGETS.p99Ms} ms`],
        ...(
          ['gateway', 'plain', 'baseline', 'pacedGateway', 'pacedPlain', 'pacedBaseline'] as const
        ).map((k) => [
          names[k],
          f0(l[k].requestsPerSec),
          f2(l[k].latencyMs.p50),
          f2(l[k].latencyMs.p99),
          f2(l[k].latencyMs.p999),
          f2(l[k].latencyMs.max),
          k.toLowerCase().includes('gateway') ? verdict(l[k].latencyMs.p99 <= TARGETS.p99Ms) : '',
        ]),
      ]),
    );
    const lp = l.pacedGatewayLoop;
    const gc = lp.gc as { count: number; totalMs: number; maxMs: number };
    out.push(
      `  gateway during its paced run: event-loop delay p50 ${f2(Number(lp.delayP50Ms))} / p99 ${f2(Number(lp.delayP99Ms))} / max ${f2(Number(lp.delayMaxMs))} ms; GC ${gc.count} pauses, ${f0(gc.totalMs)} ms in all, longest ${f2(gc.maxMs)} ms`,
    );
    out.push(
      `  autocannon's overallRate sends each connection's per-second quota back to back at the start of every second (${i.connections} connections), so its latencies are those of short saturating bursts; the paced run sends on an even schedule and times each request from when it was due.`,
    );
    const rl = i.relay;
    out.push('');
    out.push(
      `202 → job through the outbox relay (a worker process's relay in its own child), paced ${rl.offeredRate} req/s: ${rl.accepted} accepted${rl.missing ? `, ${rl.missing} MISSING` : ''}`,
    );
    out.push(
      table([
        ['', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'target'],
        [
          '202 received → job exists',
          f2(rl.latencyMs.p50),
          f2(rl.latencyMs.p90),
          f2(rl.latencyMs.p99),
          f2(rl.latencyMs.max),
          `p50 ≤ ${TARGETS.relayP50Ms}, p99 ≤ ${TARGETS.relayP99Ms}: ${verdict(rl.latencyMs.p50 <= TARGETS.relayP50Ms && rl.latencyMs.p99 <= TARGETS.relayP99Ms)}`,
        ],
      ]),
    );
    if (rl.missing > 0) problems.push(`${rl.missing} accepted cases never got their job`);
    const fp = i.footprint;
    out.push('');
    out.push(`Footprint — Redis MEMORY USAGE (SAMPLES 0), mean of ${fp.samples} stored cases`);
    out.push(
      table([
        ['', 'bytes'],
        [
          `case hash (with its 督办 board record: ${f0(fp.detail.caseHashBoardFields ?? Number.NaN)} sv. fields)`,
          f0(fp.caseHashBytes),
        ],
        [
          "history list (later moves; the submission's entries are derived)",
          f0(fp.historyListBytes),
        ],
        ['sealed envelope key', f0(fp.detail.envelopeKeyBytes ?? Number.NaN)],
        ['idempotency key', f0(fp.idempotencyKeyBytes)],
        [
          '督办 due + deadline set members (share)',
          f0(fp.detail.schedulePerCaseBytes ?? Number.NaN),
        ],
        [
          `per stored case (sum; target ≤ ${TARGETS.perCaseBytes}: ${verdict(fp.perStoredCaseBytes <= TARGETS.perCaseBytes)})`,
          f0(fp.perStoredCaseBytes),
        ],
        ['per queued job (BullMQ job hash)', f0(fp.queuedJobHashBytes)],
        ['nonce key (per request, expires after the nonce TTL)', f0(fp.nonceKeyBytes)],
        [
          `used_memory growth per accepted submission (${fp.acceptedSubmissions} accepted; every key)`,
          f0(fp.usedMemoryPerAcceptedBytes),
        ],
      ]),
    );
    out.push(`  case hash encoding: ${fp.caseHashEncoding}`);
    const mem = i.gatewayMemory;
    out.push('');
    out.push(
      table([
        ['Gateway process', ''],
        ['RSS after the intake run', `${f0(Number(mem.rss) / 2 ** 20)} MiB`],
        ['heap used after the intake run', `${f0(Number(mem.heapUsed) / 2 ** 20)} MiB`],
        [
          `catalogue compile at start (${String(i.catalogue.versions)} item versions; target ≤ ${TARGETS.compileMs} ms: ${verdict(i.compileMs <= TARGETS.compileMs)})`,
          `${f0(i.compileMs)} ms`,
        ],
      ]),
    );
    const c = i.loadGeneratorChecks;
    const repeats =
      Number(c.baselineRepeats.repeatedNonces) + Number(c.baselineRepeats.repeatedKeys);
    if (c.gatewayNon2xx > 0) problems.push(`${c.gatewayNon2xx} gateway responses were not 2xx`);
    const baseNon2xx = [
      ...i.baseline.rounds,
      ...i.plain.rounds,
      ...i.duties.rounds,
      i.latency.baseline,
      i.latency.pacedBaseline,
      i.latency.plain,
      i.latency.pacedPlain,
    ].reduce((n, x) => n + x.non2xx, 0);
    if (baseNon2xx > 0) problems.push(`${baseNon2xx} baseline responses were not 2xx`);
    if (c.dutiesRepeats > 0) {
      problems.push(
        `the duties service found ${c.dutiesRepeats} idempotency keys already recorded`,
      );
    }
    if (c.errors > 0) problems.push(`${c.errors} connection errors or timeouts`);
    if (repeats > 0) {
      problems.push(
        `the load generator repeated ${String(c.baselineRepeats.repeatedNonces)} nonces and ${String(c.baselineRepeats.repeatedKeys)} idempotency keys`,
      );
    }
    out.push(
      `  checks: ${c.gatewayNon2xx} non-2xx from the gateway; ${String(c.baselineRepeats.requests)} requests seen by the baseline, ${repeats} repeated nonces/keys`,
    );
  }

  const d = r.dispatch;
  if (d) {
    out.push('');
    out.push(
      `Dispatch — ${d.cases} queued SW-005 cases → local sc-chengdu backend, concurrency ${d.concurrency}, ${d.adapter.rounds.length} A/B rounds, medians`,
    );
    out.push(
      table([
        ['', 'jobs/s', 'CPU µs/job', 'redis µs/job'],
        [
          'adapter worker (startWorkers, real sc-chengdu adapter)',
          f0(d.adapter.medianJobsPerSec),
          f0(d.adapter.medianCpuUsPerJob.worker),
          f0(d.adapter.medianCpuUsPerJob.redis),
        ],
        [
          `minimal BullMQ worker + ${d.baselineClient ?? 'fetch'}`,
          f0(d.baseline.medianJobsPerSec),
          f0(d.baseline.medianCpuUsPerJob.worker),
          f0(d.baseline.medianCpuUsPerJob.redis),
        ],
        ...(d.before
          ? [
              [
                `adapter worker of ${d.before.label} (${d.before.commit.slice(0, 8)})`,
                f0(d.before.medianJobsPerSec),
                f0(d.before.medianCpuUsPerJob.worker),
                f0(d.before.medianCpuUsPerJob.redis),
              ],
            ]
          : []),
        [
          `ratio (median of rounds: ${d.roundRatios.map(f2).join(' ')}) — target ≥ ${TARGETS.dispatchRatio}: ${verdict(d.ratio >= TARGETS.dispatchRatio)}`,
          f2(d.ratio),
          '',
          '',
        ],
      ]),
    );
    if (d.before) {
      out.push(
        `  this checkout ÷ ${d.before.label}: CPU per job ${f2(d.before.cpuRatio)} (rounds ${d.before.cpuRatios.map(f2).join(' ')}), jobs/s ${f2(d.before.jobsRatio)} (rounds ${d.before.jobsRatios.map(f2).join(' ')})`,
      );
    }
    if (d.failures > 0) problems.push(`${d.failures} dispatch jobs failed or were not delivered`);
  }

  const p = r.processes;
  if (p) {
    out.push('');
    out.push(
      `Intake by gateway processes — signed POST /v1/cases, ${p.connections} connections × ${p.durationSec} s, ${p.rounds} alternating rounds, medians (README.md#scaling-the-gateway)`,
    );
    out.push(
      table([
        ['', 'req/s', 'p50 ms', 'p99 ms'],
        ...[p.one, p.two].map((s) => [
          s.processes === 1 ? '1 process' : `GW_GATEWAY_PROCESSES=${s.processes}`,
          f0(s.medianRequestsPerSec),
          f2(s.medianP50Ms),
          f2(s.medianP99Ms),
        ]),
        [`ratio 2/1 (median of rounds: ${p.roundRatios.map(f2).join(' ')})`, f2(p.ratio), '', ''],
      ]),
    );
    out.push(
      `  ${String(m.cores)} cores shared by the gateway processes, redis-server and the load generator: the ratio is what a second process gains on this machine.`,
    );
    if (p.non2xx > 0) problems.push(`${p.non2xx} responses of the processes runs were not 2xx`);
    if (p.errors > 0)
      problems.push(`${p.errors} connection errors or timeouts in the processes runs`);
  }

  const b = r.beforeAfter;
  if (b) {
    out.push('');
    out.push(
      `Before and after — signed POST /v1/cases to one gateway process each, ${b.connections} connections × ${b.durationSec} s, ${b.rounds} alternating rounds, medians`,
    );
    out.push(
      table([
        ['', 'commit', 'req/s', 'gateway CPU µs/req', 'redis CPU µs/req'],
        ...[b.before, b.after].map((side) => [
          side.label,
          side.commit.slice(0, 8),
          f0(side.medianRequestsPerSec),
          f0(side.medianCpuUs.gateway),
          f0(side.medianCpuUs.redis),
        ]),
        [
          `after ÷ before (req/s of rounds: ${b.roundRatios.map(f2).join(' ')})`,
          '',
          f2(b.ratio),
          f2(b.cpuRatio),
          '',
        ],
      ]),
    );
    if (b.non2xx > 0) problems.push(`${b.non2xx} responses of the before/after runs were not 2xx`);
    if (b.errors > 0)
      problems.push(`${b.errors} connection errors or timeouts in the before/after runs`);
  }

  const s = r.soak;
  if (s) {
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    out.push('');
    out.push(
      `Soak — ${s.cases} cases (routes ${s.routes.join(', ')}) through their whole lifecycle with the sandboxes (at most ${s.inFlight} open at once), then retention: ${Object.entries(
        s.settings,
      )
        .filter(([k]) => k.includes('RETENTION') || k.includes('TTL'))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    out.push(
      table([
        [
          '',
          'elapsed s',
          'closed',
          'Redis MiB',
          'keys',
          'case keys',
          'idem keys',
          'completed',
          'failed',
          'stream entries',
          'rated',
          'evaluations',
          'rating windows',
          'gateway RSS MiB',
        ],
        ...s.samples.map((x) => [
          x.label,
          f0(x.elapsedSec),
          String(x.closed),
          mib(x.usedMemoryBytes),
          String(x.keys),
          String(x.caseKeys),
          String(x.idempotencyKeys),
          String(x.completedJobs),
          String(x.failedJobs),
          `${x.streamEntries} (max ${x.longestStream})`,
          String(x.rated ?? '–'),
          String(x.evaluationKeys ?? '–'),
          String(x.ratingWindows),
          mib(x.gatewayRssBytes),
        ]),
      ]),
    );
    const warm =
      s.memoryRatioWarm === undefined
        ? ''
        : `; after retention ÷ the warm start (after the warm-up's own retention, its queues and counters there): ${f2(s.memoryRatioWarm)} (target ≤ 1.10: ${verdict(s.memoryRatioWarm <= 1.1)})`;
    out.push(
      `  Redis after retention ÷ before the first case: ${f2(s.memoryRatio)}; without the rating windows still open ${f2(s.memoryRatioWithoutWindows)}${warm}. Evaluations posted: ${s.rated ?? '–'}${Object.keys(s.ratingRefusedBy ?? {}).length > 0 ? ` (refused: ${JSON.stringify(s.ratingRefusedBy)})` : ''}. A closed case left unrated keeps its rating window for evaluationWindowDays, then gets the default rating, kept as long as the case. Completed jobs and event streams stay at what GW_JOB_RETENTION_COUNT allows per queue once a queue goes quiet: BullMQ trims a queue when one of its jobs finishes.`,
    );
    // Older result files have no reasons.
    const reasons = s.failedReasons ?? [];
    if (reasons.length > 0) {
      out.push(
        `  Failed jobs after retention (dead letters an operator would be asked to replay), by reason:`,
      );
      out.push(
        table([
          ['queue', 'job', 'count', 'failedReason', 'e.g. job (attempts, ms to failure)'],
          ...reasons
            .slice(0, 10)
            .map((x) => [
              x.queue,
              x.name,
              String(x.count),
              x.reason,
              `${x.example.jobId} (${x.example.attemptsMade}, ${x.example.failedAfterMs})`,
            ]),
        ]),
      );
      if (reasons.length > 10) out.push(`  … and ${reasons.length - 10} more reasons`);
    }
    if (s.refused > 0)
      problems.push(`${s.refused} soak submissions were refused (${JSON.stringify(s.refusedBy)})`);
    if (s.notClosed > 0) problems.push(`${s.notClosed} soak cases never reached CLOSED`);
  }

  const sh = r.shedding;
  if (sh) {
    const pct = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)}`;
    const cpu = (share: number) => `${(share * 100).toFixed(0)}`;
    out.push('');
    out.push(
      `Load shedding — one gateway process per GW_MAX_IN_FLIGHT, signed POST /v1/cases from N closed-loop connections (a shed client ${sh.afterShed === 'retry-after' ? "waits the answer's Retry-After" : 'sends again at once'}), ${sh.durationSec} s a level after ${sh.settleSec} s settling, bounds in rotating order; /readyz and /healthz each every ${sh.probeEveryMs} ms on fresh connections (README.md#load-shedding)`,
    );
    for (const bound of sh.bounds) {
      out.push('');
      out.push(
        `  GW_MAX_IN_FLIGHT ${bound.label}: accepted req/s reaches 90 % of its best at ${f0(bound.kneeConnections)} connections, req/s a gateway core at ${f0(bound.kneePerCoreConnections)}`,
      );
      out.push(
        table([
          [
            'connections',
            'accepted req/s',
            'a gateway core',
            'p50 ms',
            'p99 ms',
            'shed %',
            'shed p50 ms',
            'readyz p50/max ms',
            'healthz p50/max ms',
            'gateway CPU %',
            'generator CPU %',
          ],
          ...sh.rows
            .filter((x) => x.bound === bound.label)
            .map((x) => [
              String(x.connections),
              f0(x.acceptedPerSec),
              f0(x.acceptedPerGatewayCore),
              f2(x.acceptedP50Ms),
              f2(x.acceptedP99Ms),
              pct(x.shedShare),
              f2(x.shedP50Ms),
              `${f2(x.readyzP50Ms)}/${f2(x.readyzMaxMs)}${x.readyzNotOk ? ` (${x.readyzNotOk} not 200)` : ''}`,
              `${f2(x.healthzP50Ms)}/${f2(x.healthzMaxMs)}${x.healthzNotOk ? ` (${x.healthzNotOk} not 200)` : ''}`,
              cpu(x.gatewayCpuShare),
              cpu(x.generatorCpuShare),
            ]),
        ]),
      );
    }
    out.push(
      `  1-minute load average after each level: ${sh.loadAverages.join(' ')}. A probe not answered 200 within ${sh.probeTimeoutMs} ms is counted "not 200". 'a gateway core' is accepted req/s ÷ the gateway's CPU share, what it takes on a core of its own: read it where other work left the gateway less than a core. The load generator shares the cores: where its CPU % nears 100 the level measures it too.`,
    );
    problems.push(...sheddingProblems(sh.rows));
  }

  if (r.failure) problems.push(`the bench stopped: ${r.failure}`);
  if (problems.length > 0) {
    out.push('');
    out.push('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    out.push('!! BENCH FAILED — these numbers are not valid:');
    for (const p of problems) out.push(`!!   ${p}`);
    out.push('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
  }
  console.log(out.join('\n'));
  return problems;
}
