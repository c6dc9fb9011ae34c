// Intake by gateway processes (README.md#scaling-the-gateway): the real entry point,
// gateway/main.ts, started twice on the bench's Redis — once as one process, once with
// GW_GATEWAY_PROCESSES=2 (a supervisor and two processes sharing one port) — and the same signed
// load against each in alternating rounds (1 2, 2 1, …), so neither always runs on a warmer
// machine. Reported as req/s, p50 and p99 per side and the ratio two/one. On a 2-core machine the
// load generator and redis-server share the cores with the gateway processes: the ratio says how
// much of a second core a second process can use here, not what it would gain on a larger box.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientCredentials } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { signedLoad, type LoadResult } from './load.ts';
import { median } from './stats.ts';

export interface ProcessesOptions {
  redisUrl: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  rounds: number;
  logLevel: string;
  log: (line: string) => void;
}

export interface ProcessesSide {
  processes: number;
  rounds: LoadResult[];
  medianRequestsPerSec: number;
  medianP50Ms: number;
  medianP99Ms: number;
}

export interface ProcessesResult {
  connections: number;
  durationSec: number;
  rounds: number;
  one: ProcessesSide;
  two: ProcessesSide;
  /** two/one req/s of each round pair. */
  roundRatios: number[];
  ratio: number;
  non2xx: number;
  errors: number;
}

export interface RunningGateway {
  url: string;
  /** The process's CPU seconds so far (user + system): one process only, read from /proc. */
  cpuSeconds: () => number;
  stop: () => Promise<void>;
}

export function credentials(): ClientCredentials {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const client = clients.find((c) => c.id === BENCH_CLIENT);
  if (!client) throw new Error(`no dev client ${BENCH_CLIENT}`);
  return { clientId: client.id, secret: client.secret, signatureMethod: 'HMAC-SHA256' };
}

export interface GatewayStart {
  redisUrl: string;
  logLevel: string;
  processes: number;
  /** GW_KEY_PREFIX, so gateways compared on one Redis keep apart. */
  keyPrefix: string;
  /** The checkout whose gateway/main.ts runs; default this one. */
  root?: string;
  /** More settings of this gateway (the shedding bench's GW_MAX_IN_FLIGHT). */
  env?: Record<string, string>;
}

/** Starts `node gateway/main.ts` with N processes; resolves once every one listens. */
export async function startGatewayProcess(o: GatewayStart): Promise<RunningGateway> {
  const { processes } = o;
  const port = await freePort();
  const main = o.root ? join(o.root, 'gateway/main.ts') : projectPath('gateway/main.ts');
  const child: ChildProcess = spawn(process.execPath, [main], {
    ...(o.root ? { cwd: o.root } : {}),
    env: {
      ...process.env,
      REDIS_URL: o.redisUrl,
      GW_KEY_PREFIX: o.keyPrefix,
      GW_ENV: 'development',
      PORT: String(port),
      GW_HOST: '127.0.0.1',
      LOG_LEVEL: o.logLevel,
      GW_GATEWAY_PROCESSES: String(processes),
      // As in the intake bench: the limiter runs on every request, with a ceiling never reached.
      GW_RATE_LIMIT_PER_SECOND: '1000000',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = processes > 1 ? '"gateway processes listening"' : '"gateway listening"';
  await new Promise<void>((resolve, reject) => {
    let tail = '';
    let listening = false;
    const timer = setTimeout(
      () => reject(new Error(`gateway ×${processes}: not listening within 120 s`)),
      120_000,
    );
    // Log lines are read until the gateway listens, then drained unread (as the other benches
    // discard theirs): a pipe nobody reads would block the gateway's synchronous logging.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (listening) return;
      tail = (tail + chunk.toString('utf8')).slice(-4096);
      if (tail.includes(ready)) {
        listening = true;
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway ×${processes} exited with ${code} before it listened`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function side(processes: number, rounds: LoadResult[]): ProcessesSide {
  return {
    processes,
    rounds,
    medianRequestsPerSec: median(rounds.map((r) => r.requestsPerSec)),
    medianP50Ms: median(rounds.map((r) => r.latencyMs.p50)),
    medianP99Ms: median(rounds.map((r) => r.latencyMs.p99)),
  };
}

export async function runProcesses(o: ProcessesOptions): Promise<ProcessesResult> {
  const body = JSON.stringify(benchEnvelope());
  const creds = credentials();
  const gateways: RunningGateway[] = [];
  try {
    o.log('processes: starting the gateway as 1 process and as 2');
    const start = (processes: number) =>
      startGatewayProcess({ ...o, processes, keyPrefix: `bench-procs-${processes}` });
    const one = await start(1);
    gateways.push(one);
    const two = await start(2);
    gateways.push(two);
    const load = (gateway: RunningGateway, durationSec: number) =>
      signedLoad({
        url: gateway.url,
        credentials: creds,
        body,
        connections: o.connections,
        durationSec,
      });
    o.log(`processes: warm-up ${o.warmupSec} s each`);
    const warm = [await load(one, o.warmupSec), await load(two, o.warmupSec)];
    const runs: Record<1 | 2, LoadResult[]> = { 1: [], 2: [] };
    for (let i = 0; i < o.rounds; i++) {
      const order: (1 | 2)[] = i % 2 === 0 ? [1, 2] : [2, 1];
      for (const n of order) {
        const r = await load(n === 1 ? one : two, o.durationSec);
        runs[n].push(r);
        o.log(
          `processes round ${i + 1}/${o.rounds} ×${n} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
        );
      }
    }
    const roundRatios = runs[2].map((r, i) => r.requestsPerSec / runs[1][i]!.requestsPerSec);
    const all = [...warm, ...runs[1], ...runs[2]];
    return {
      connections: o.connections,
      durationSec: o.durationSec,
      rounds: o.rounds,
      one: side(1, runs[1]),
      two: side(2, runs[2]),
      roundRatios,
      ratio: median(roundRatios),
      non2xx: all.reduce((n, r) => n + r.non2xx, 0),
      errors: all.reduce((n, r) => n + r.errors + r.timeouts, 0),
    };
  } finally {
    for (const gateway of gateways.reverse()) await gateway.stop();
  }
}
