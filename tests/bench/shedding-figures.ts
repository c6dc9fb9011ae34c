// The shedding bench's arithmetic (README.md#load-shedding), apart from its processes and sockets
// so that it can be tested: which answers count as accepted, shed or failed; one row of the table
// per bound and concurrency level; the level where accepted req/s stops growing; and what makes a
// run worthless. A 503 is expected here — it is what the bound is for — but only with the bound's
// own code: a 503 GW_UNAVAILABLE (Redis unreachable) or any other non-2xx still fails the run.
import { percentile } from './load.ts';

export type AnswerKind = 'accepted' | 'shed' | 'failed';

/** 2xx accepted; 503 whose problem code is GW_OVERLOADED shed; anything else failed. */
export function answerKind(status: number, body: string): AnswerKind {
  if (status >= 200 && status < 300) return 'accepted';
  if (status !== 503) return 'failed';
  try {
    const problem = JSON.parse(body) as { code?: unknown };
    return problem.code === 'GW_OVERLOADED' ? 'shed' : 'failed';
  } catch {
    return 'failed';
  }
}

/** What one level's round saw, answers completed within its measured window only. */
export interface LevelAnswers {
  connections: number;
  windowSec: number;
  /** Latency of each accepted (2xx) answer, ms, from the request's start. */
  acceptedMs: number[];
  /** Latency of each shed answer (503 GW_OVERLOADED), ms. */
  shedMs: number[];
  /** Failed answers by status and code (`503 GW_UNAVAILABLE`, `400 GW_…`, `500`). */
  failed: Record<string, number>;
  /** Requests that got no answer: connection refused or reset, socket errors. */
  errors: number;
}

/** The load balancer's view during the round: /readyz and /healthz asked on fresh connections. */
export interface ProbeAnswers {
  /** Answer times of the probes that got a 200, ms. */
  okMs: number[];
  /** Probes answered with another status, or not at all within the probe's timeout. */
  notOk: number;
}

export interface LevelRow {
  /** The bound's label: `default (256)`, or the GW_MAX_IN_FLIGHT given. */
  bound: string;
  maxInFlight: number;
  connections: number;
  acceptedPerSec: number;
  /**
   * Accepted req/s ÷ the share of a core the gateway process used: what it takes on a core of its
   * own (1e6 ÷ its CPU µs per accepted request, shed answers' cost included). On a shared machine
   * this hardly moves with the other tenants, where req/s follows the CPU they leave it.
   */
  acceptedPerGatewayCore: number;
  acceptedP50Ms: number;
  acceptedP99Ms: number;
  /** Shed answers of the window, and their share of all its answers. */
  shed: number;
  shedShare: number;
  shedPerSec: number;
  shedP50Ms: number;
  failed: number;
  failedBy: Record<string, number>;
  errors: number;
  readyzP50Ms: number;
  readyzMaxMs: number;
  readyzNotOk: number;
  healthzP50Ms: number;
  healthzMaxMs: number;
  healthzNotOk: number;
  /** Of a core: the gateway process's and the load generator's CPU over the round. */
  gatewayCpuShare: number;
  generatorCpuShare: number;
  /** gw_http_requests_shed_total's growth over the round (the gateway's own count, window and settling). */
  shedCounted: number;
}

const sorted = (values: number[]) => Float64Array.from(values).sort();
const max = (values: number[]) => (values.length ? Math.max(...values) : Number.NaN);

export function levelRow(
  bound: { label: string; maxInFlight: number },
  answers: LevelAnswers,
  probes: { readyz: ProbeAnswers; healthz: ProbeAnswers },
  usage: { gatewayCpuShare: number; generatorCpuShare: number; shedCounted: number },
): LevelRow {
  const accepted = sorted(answers.acceptedMs);
  const shed = sorted(answers.shedMs);
  const failed = Object.values(answers.failed).reduce((n, c) => n + c, 0);
  const all = accepted.length + shed.length + failed;
  const readyz = sorted(probes.readyz.okMs);
  const healthz = sorted(probes.healthz.okMs);
  return {
    bound: bound.label,
    maxInFlight: bound.maxInFlight,
    connections: answers.connections,
    acceptedPerSec: accepted.length / answers.windowSec,
    acceptedPerGatewayCore:
      usage.gatewayCpuShare > 0
        ? accepted.length / answers.windowSec / usage.gatewayCpuShare
        : Number.NaN,
    acceptedP50Ms: percentile(accepted, 0.5),
    acceptedP99Ms: percentile(accepted, 0.99),
    shed: shed.length,
    shedShare: all > 0 ? shed.length / all : 0,
    shedPerSec: shed.length / answers.windowSec,
    shedP50Ms: percentile(shed, 0.5),
    failed,
    failedBy: answers.failed,
    errors: answers.errors,
    readyzP50Ms: percentile(readyz, 0.5),
    readyzMaxMs: max(probes.readyz.okMs),
    readyzNotOk: probes.readyz.notOk,
    healthzP50Ms: percentile(healthz, 0.5),
    healthzMaxMs: max(probes.healthz.okMs),
    healthzNotOk: probes.healthz.notOk,
    ...usage,
  };
}

/**
 * Where accepted req/s (or `figure`) stops growing: the fewest connections whose figure is at least
 * `share` of the best level's. Past it more requests at once only wait longer (requests in progress
 * ≈ req/s × latency). NaN for no rows.
 */
export function kneeConnections(
  rows: readonly Pick<LevelRow, 'connections' | 'acceptedPerSec' | 'acceptedPerGatewayCore'>[],
  figure: 'acceptedPerSec' | 'acceptedPerGatewayCore' = 'acceptedPerSec',
  share = 0.9,
): number {
  const best = Math.max(...rows.map((r) => r[figure]));
  const reaching = rows
    .filter((r) => r[figure] >= share * best)
    .map((r) => r.connections)
    .sort((a, b) => a - b);
  return reaching[0] ?? Number.NaN;
}

/**
 * Failures that make the run worthless: a non-2xx other than the bound's 503, no answer, or more
 * answers read as shed than the gateway counted shedding (its count covers the whole round).
 */
export function sheddingProblems(rows: readonly LevelRow[]): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    if (r.failed > 0)
      problems.push(
        `${r.failed} answers neither 2xx nor 503 GW_OVERLOADED (${r.bound}, ${r.connections} connections: ${JSON.stringify(r.failedBy)})`,
      );
    if (r.errors > 0)
      problems.push(
        `${r.errors} requests without an answer (${r.bound}, ${r.connections} connections)`,
      );
    if (r.shed > r.shedCounted)
      problems.push(
        `${r.shed} answers read as shed, ${r.shedCounted} counted by the gateway (${r.bound}, ${r.connections} connections)`,
      );
  }
  return problems;
}
