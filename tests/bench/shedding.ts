// Shedding bench (`npm run bench -- --only shedding`, README.md#load-shedding): where one gateway
// process's accepted req/s stops growing as more requests are asked of it at once, and what the
// accepted requests and the load balancer's probes pay beyond that with each GW_MAX_IN_FLIGHT.
// One `node gateway/main.ts` per bound (the default's, and candidates given by --bounds), all
// started as the processes bench starts them, on the bench's Redis under their own key prefixes;
// then for each level of --levels (connections, each a client sending its next signed POST
// /v1/cases as soon as its last answer came: closed-loop.ts), one short round per bound, the
// order rotating from level to level so no bound always runs first on a warming machine. In each
// round /readyz and /healthz are asked on fresh connections every PROBE_EVERY_MS. A 503
// GW_OVERLOADED is counted as shed, not as a failure; any other non-2xx fails the run.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SETTINGS_SCHEMA } from '../../config/settings-schema.ts';
import { REQUESTS_SHED } from '../../gateway/metrics/metrics.ts';
import { seriesIn } from '../support/metrics-text.ts';
import { benchEnvelope } from './bench-case.ts';
import { closedLoop, probe, PROBE_TIMEOUT_MS } from './closed-loop.ts';
import { credentials, startGatewayProcess, type RunningGateway } from './processes.ts';
import { kneeConnections, levelRow, type LevelRow, type ProbeAnswers } from './shedding-figures.ts';

export interface SheddingOptions {
  redisUrl: string;
  /** Connections, ascending: one round per bound at each. */
  levels: number[];
  /** GW_MAX_IN_FLIGHT values to compare with the default (a value equal to it is left out). */
  candidates: number[];
  settleSec: number;
  durationSec: number;
  warmupSec: number;
  /** What a client does after a shed answer (closed-loop.ts). */
  afterShed: 'immediate' | 'retry-after';
  logLevel: string;
  log: (line: string) => void;
}

export interface SheddingBound {
  label: string;
  maxInFlight: number;
  /** The fewest connections reaching 90 % of this bound's best accepted req/s. */
  kneeConnections: number;
  /** The same, of accepted req/s per gateway core (LevelRow.acceptedPerGatewayCore). */
  kneePerCoreConnections: number;
}

export interface SheddingResult {
  levels: number[];
  afterShed: 'immediate' | 'retry-after';
  settleSec: number;
  durationSec: number;
  probeEveryMs: number;
  probeTimeoutMs: number;
  bounds: SheddingBound[];
  rows: LevelRow[];
  /** The 1-minute load average after each level's rounds. */
  loadAverages: number[];
}

/** How often each of /readyz and /healthz is asked during a round. */
const PROBE_EVERY_MS = 100;
/** Connections of each gateway's untimed warm-up. */
const WARMUP_CONNECTIONS = 8;

export const DEFAULT_MAX_IN_FLIGHT: number = SETTINGS_SCHEMA.properties.maxInFlight.default;

/** The soft limit on this process's open files (Linux: /proc/self/limits); Infinity if unknown. */
function openFilesLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

async function shedCount(gateway: RunningGateway): Promise<number> {
  const res = await fetch(`${gateway.url}/metrics`);
  return seriesIn(await res.text(), REQUESTS_SHED) ?? Number.NaN;
}

export async function runShedding(o: SheddingOptions): Promise<SheddingResult> {
  const counts = (values: number[], most: number) =>
    values.length > 0 && values.every((n) => Number.isInteger(n) && n >= 1 && n <= most);
  if (!counts(o.levels, 100_000))
    throw new Error(`--levels takes connections, 1,2,4,…: ${o.levels.join(',')}`);
  if (!counts(o.candidates, 100_000))
    throw new Error(
      `--bounds takes GW_MAX_IN_FLIGHT values from 1 to 100000: ${o.candidates.join(',')}`,
    );
  // Each connection is a file descriptor here and one in the gateway (which inherits this
  // limit), besides the probes still waiting and the processes' own files.
  const probesOpen = 2 * Math.ceil(PROBE_TIMEOUT_MS / PROBE_EVERY_MS);
  const needed = Math.max(...o.levels) + probesOpen + 256;
  const limit = openFilesLimit();
  if (needed > limit)
    throw new Error(
      `--levels up to ${Math.max(...o.levels)} connections needs about ${needed} open files; the limit is ${limit} (raise it: ulimit -n ${needed})`,
    );
  // The default is given explicitly too: a GW_MAX_IN_FLIGHT in this shell's environment would
  // otherwise reach the "default" gateway.
  const bounds = [
    { label: `default (${DEFAULT_MAX_IN_FLIGHT})`, maxInFlight: DEFAULT_MAX_IN_FLIGHT },
    ...[...new Set(o.candidates)]
      .filter((n) => n !== DEFAULT_MAX_IN_FLIGHT)
      .map((n) => ({ label: String(n), maxInFlight: n })),
  ];
  const body = JSON.stringify(benchEnvelope());
  const creds = credentials();
  const gateways: RunningGateway[] = [];
  try {
    o.log(
      `shedding: starting ${bounds.length} gateways (${bounds.map((b) => b.label).join(', ')})`,
    );
    for (const [i, bound] of bounds.entries())
      gateways.push(
        await startGatewayProcess({
          redisUrl: o.redisUrl,
          logLevel: o.logLevel,
          processes: 1,
          keyPrefix: `bench-shed-${i}`,
          env: { GW_MAX_IN_FLIGHT: String(bound.maxInFlight) },
        }),
      );
    o.log(`shedding: warm-up ${o.warmupSec} s each at ${WARMUP_CONNECTIONS} connections`);
    for (const gateway of gateways)
      await closedLoop({
        url: gateway.url,
        credentials: creds,
        body,
        connections: WARMUP_CONNECTIONS,
        afterShed: o.afterShed,
        settleSec: 0,
        durationSec: o.warmupSec,
      });
    const rows: LevelRow[] = [];
    const loadAverages: number[] = [];
    for (const [l, connections] of o.levels.entries()) {
      for (let k = 0; k < bounds.length; k++) {
        const b = (l + k) % bounds.length;
        const bound = bounds[b]!;
        const gateway = gateways[b]!;
        const shedBefore = await shedCount(gateway);
        const cpuBefore = gateway.cpuSeconds();
        const selfBefore = process.cpuUsage();
        const wallBefore = performance.now();
        let probes: Promise<[ProbeAnswers, ProbeAnswers]> | undefined;
        const answers = await closedLoop({
          url: gateway.url,
          credentials: creds,
          body,
          connections,
          afterShed: o.afterShed,
          settleSec: o.settleSec,
          durationSec: o.durationSec,
          onWindow: (start, end) => {
            probes = Promise.all([
              probe(gateway.url, '/readyz', PROBE_EVERY_MS, start, end),
              probe(gateway.url, '/healthz', PROBE_EVERY_MS, start, end),
            ]);
          },
        });
        const [readyz, healthz] = await probes!;
        const wallSec = (performance.now() - wallBefore) / 1000;
        const self = process.cpuUsage(selfBefore);
        const row = levelRow(
          bound,
          answers,
          { readyz, healthz },
          {
            gatewayCpuShare: (gateway.cpuSeconds() - cpuBefore) / wallSec,
            generatorCpuShare: (self.user + self.system) / 1e6 / wallSec,
            shedCounted: (await shedCount(gateway)) - shedBefore,
          },
        );
        rows.push(row);
        o.log(
          `shedding ${String(connections).padStart(5)} conn  ${bound.label.padEnd(14)} ${row.acceptedPerSec.toFixed(0).padStart(6)} req/s (${row.acceptedPerGatewayCore.toFixed(0)} a gateway core)  p50 ${row.acceptedP50Ms.toFixed(1)} ms  p99 ${row.acceptedP99Ms.toFixed(1)} ms  shed ${(row.shedShare * 100).toFixed(1)} %  readyz p50/max ${row.readyzP50Ms.toFixed(1)}/${row.readyzMaxMs.toFixed(1)} ms${row.readyzNotOk ? ` NOT OK ${row.readyzNotOk}` : ''}  gateway CPU ${(row.gatewayCpuShare * 100).toFixed(0)} %  generator ${(row.generatorCpuShare * 100).toFixed(0)} %${row.failed ? `  FAILED ${JSON.stringify(row.failedBy)}` : ''}${row.errors ? `  ERRORS ${row.errors}` : ''}`,
        );
      }
      loadAverages.push(Math.round(loadavg()[0]! * 100) / 100);
    }
    return {
      levels: o.levels,
      afterShed: o.afterShed,
      settleSec: o.settleSec,
      durationSec: o.durationSec,
      probeEveryMs: PROBE_EVERY_MS,
      probeTimeoutMs: PROBE_TIMEOUT_MS,
      bounds: bounds.map(({ label, maxInFlight }) => {
        const own = rows.filter((r) => r.bound === label);
        return {
          label,
          maxInFlight,
          kneeConnections: kneeConnections(own),
          kneePerCoreConnections: kneeConnections(own, 'acceptedPerGatewayCore'),
        };
      }),
      rows,
      loadAverages,
    };
  } finally {
    for (const gateway of gateways.reverse()) await gateway.stop();
  }
}
