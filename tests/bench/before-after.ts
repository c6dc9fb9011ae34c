// Before and after (issue 17: "report before/after figures from the same machine and run"): the
// gateway of an earlier commit and this checkout's, each `node gateway/main.ts` as one process on
// the bench's Redis (own key prefixes), under the same signed load in alternating rounds (B A, A B,
// …), so neither side always runs on a warmer or quieter machine. Reported per side: req/s, CPU
// per request of the gateway process and of redis-server, and the ratios after ÷ before. The earlier
// commit is checked out into a temporary git worktree (sharing this checkout's node_modules when
// the lockfiles match, else installing its own with npm ci) and removed afterwards: its own code,
// config, catalogue seed and locked dependencies are what it runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { signedLoad, type LoadResult } from './load.ts';
import {
  credentials,
  startGatewayProcess,
  type ProcessesOptions,
  type RunningGateway,
} from './processes.ts';
import { median, redisCpuSeconds } from './stats.ts';

/** The processes bench's load settings, plus the admin connection and the earlier commit. */
export interface BeforeAfterOptions extends ProcessesOptions {
  admin: Redis;
  /** A git revision of this repository: the "before" side. */
  ref: string;
}

export interface BeforeAfterRound extends LoadResult {
  cpuUs: { gateway: number; redis: number };
}

export interface BeforeAfterSide {
  label: string;
  commit: string;
  rounds: BeforeAfterRound[];
  medianRequestsPerSec: number;
  medianCpuUs: { gateway: number; redis: number };
}

export interface BeforeAfterResult {
  connections: number;
  durationSec: number;
  rounds: number;
  before: BeforeAfterSide;
  after: BeforeAfterSide;
  /** after ÷ before req/s, per round pair, and their median. */
  roundRatios: number[];
  ratio: number;
  /** after ÷ before gateway CPU per request (median of round pairs): below 1 is cheaper. */
  cpuRatio: number;
  non2xx: number;
  errors: number;
}

function git(...args: string[]): string {
  return execFileSync('git', ['-C', projectPath('.'), ...args], { encoding: 'utf8' }).trim();
}

/** A detached worktree of `ref` with this checkout's node_modules; removed by the returned function. */
export function checkout(ref: string): { root: string; commit: string; remove: () => void } {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const root = join(mkdtempSync(join(tmpdir(), 'swgw-bench-before-')), 'checkout');
  git('worktree', 'add', '--detach', root, commit);
  // Its own locked dependencies when they differ from ours (a library replaced since), else ours.
  const sameLock =
    readFileSync(join(root, 'package-lock.json'), 'utf8') ===
    readFileSync(projectPath('package-lock.json'), 'utf8');
  if (sameLock) symlinkSync(projectPath('node_modules'), join(root, 'node_modules'));
  else
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: root,
      stdio: 'ignore',
    });
  return {
    root,
    commit,
    remove: () => {
      git('worktree', 'remove', '--force', root);
      rmSync(join(root, '..'), { recursive: true, force: true });
    },
  };
}

export async function runBeforeAfter(o: BeforeAfterOptions): Promise<BeforeAfterResult> {
  const body = JSON.stringify(benchEnvelope());
  const creds = credentials();
  if (creds.clientId !== BENCH_CLIENT) throw new Error('bench client mismatch');
  const earlier = checkout(o.ref);
  const nowCommit = git('rev-parse', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const gateways: RunningGateway[] = [];
  try {
    o.log(`before/after: ${o.ref} (${earlier.commit.slice(0, 8)}) vs this checkout`);
    const start = (root: string | undefined, keyPrefix: string) =>
      startGatewayProcess({
        redisUrl: o.redisUrl,
        logLevel: o.logLevel,
        processes: 1,
        keyPrefix,
        ...(root ? { root } : {}),
      });
    const before = await start(earlier.root, 'bench-before');
    gateways.push(before);
    const after = await start(undefined, 'bench-after');
    gateways.push(after);
    const load = async (gateway: RunningGateway, durationSec: number) => {
      const cpu0 = gateway.cpuSeconds();
      const redis0 = await redisCpuSeconds(o.admin);
      const r = await signedLoad({
        url: gateway.url,
        credentials: creds,
        body,
        connections: o.connections,
        durationSec,
      });
      const n = Math.max(1, r.ok + r.non2xx);
      const cpuUs = {
        gateway: ((gateway.cpuSeconds() - cpu0) * 1e6) / n,
        redis: (((await redisCpuSeconds(o.admin)) - redis0) * 1e6) / n,
      };
      return { ...r, cpuUs };
    };
    o.log(`before/after: warm-up ${o.warmupSec} s each`);
    const warm = [await load(before, o.warmupSec), await load(after, o.warmupSec)];
    const runs: { before: BeforeAfterRound[]; after: BeforeAfterRound[] } = {
      before: [],
      after: [],
    };
    for (let i = 0; i < o.rounds; i++) {
      const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
      for (const which of order) {
        const r = await load(which === 'before' ? before : after, o.durationSec);
        runs[which].push(r);
        o.log(
          `before/after round ${i + 1}/${o.rounds} ${which.padEnd(6)} ${r.requestsPerSec.toFixed(0).padStart(6)} req/s  cpu/req ${r.cpuUs.gateway.toFixed(0)} µs gateway, ${r.cpuUs.redis.toFixed(0)} µs redis${r.non2xx ? `  NON-2XX ${r.non2xx}` : ''}`,
        );
      }
    }
    const side = (label: string, commit: string, rounds: BeforeAfterRound[]) => ({
      label,
      commit,
      rounds,
      medianRequestsPerSec: median(rounds.map((r) => r.requestsPerSec)),
      medianCpuUs: {
        gateway: median(rounds.map((r) => r.cpuUs.gateway)),
        redis: median(rounds.map((r) => r.cpuUs.redis)),
      },
    });
    const roundRatios = runs.after.map((r, i) => r.requestsPerSec / runs.before[i]!.requestsPerSec);
    const cpuRatios = runs.after.map((r, i) => r.cpuUs.gateway / runs.before[i]!.cpuUs.gateway);
    const all = [...warm, ...runs.before, ...runs.after];
    return {
      connections: o.connections,
      durationSec: o.durationSec,
      rounds: o.rounds,
      before: side(o.ref, earlier.commit, runs.before),
      after: side(
        dirty ? 'this checkout (uncommitted changes)' : 'this checkout',
        nowCommit,
        runs.after,
      ),
      roundRatios,
      ratio: median(roundRatios),
      cpuRatio: median(cpuRatios),
      non2xx: all.reduce((n, r) => n + r.non2xx, 0),
      errors: all.reduce((n, r) => n + r.errors + r.timeouts, 0),
    };
  } finally {
    for (const gateway of gateways.reverse()) await gateway.stop();
    earlier.remove();
  }
}
