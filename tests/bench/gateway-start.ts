// `npm run bench:gateway-start -- [rounds] [project roots…] [--no-compile-cache | --cold-cache |
// --env-cache] [--cpu-prof <dir>]`: what starting one gateway process costs (README.md#process-start),
// from spawning `node gateway/main.ts` (each root's own) to its first 200 on /readyz, on a private
// Redis whose catalogue an untimed first start of each root imported. Each measurement is a fresh
// process and the rounds alternate between the roots given (default: this one), so a before/after
// comparison shares the machine's load. Reported, never asserted, median and range per root: wall
// milliseconds to ready, the CPU milliseconds the process had used by then (user + system of all
// its threads, from /proc/<pid>/stat, so Linux only) and the `compileMs` it logged with
// `catalogue loaded`. Node's module compile cache is left to each root's entry point (warmed by the
// untimed start). --no-compile-cache starts every process with NODE_DISABLE_COMPILE_CACHE=1;
// --cold-cache gives every timed start an empty cache directory (NODE_COMPILE_CACHE: what a
// container's first start pays); --env-cache sets NODE_COMPILE_CACHE to one directory of this run
// for every start (the cache on from Node's start, whatever the code); --cpu-prof <dir> writes a V8
// profile of each timed start (until its SIGTERM) under <dir>/<root's index>.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startPrivateRedis } from '../../scripts/private-redis.ts';
import { startNodeChild } from '../support/node-child.ts';

interface Figures {
  readyMs: number;
  cpuMs: number;
  /** What the gateway logged with `catalogue loaded` (the issue 17 figure). */
  compileMs: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** user + system CPU of a process, all its threads, in milliseconds. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
  return (ticks * 1000) / TICKS_PER_SECOND;
}

async function startOnce(
  root: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
): Promise<Omit<Figures, 'compileMs'> & { stop: () => Promise<number> }> {
  const port = await freePort();
  const started = performance.now();
  const { child, output, lines, exited } = startNodeChild(
    join(root, 'gateway/main.ts'),
    { GW_HOST: '127.0.0.1', PORT: String(port), ...env },
    { nodeFlags, cwd: root },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway not ready within 60 s\n${output()}`);
    }
    const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const cpuMs = processCpuMs(child.pid!);
  return {
    readyMs,
    cpuMs,
    // Read once the process has exited: its log lines are written in batches, so the one of the
    // catalogue may still be on its way when /readyz answers.
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      const loaded = lines().find((l) => l.msg === 'catalogue loaded');
      if (typeof loaded?.compileMs !== 'number')
        throw new Error(`no 'catalogue loaded' line\n${output()}`);
      return loaded.compileMs;
    },
  };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
}

const args = process.argv.slice(2);
const profileAt = args.indexOf('--cpu-prof');
const profileDir = profileAt >= 0 ? resolve(args.splice(profileAt, 2)[1]!) : undefined;
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [roundsArg, ...rootArgs] = args.filter((a) => !a.startsWith('--'));
const rounds = Number(roundsArg ?? 7);
const here = resolve(fileURLToPath(import.meta.url), '../../..');
const roots = rootArgs.length > 0 ? rootArgs.map((r) => resolve(r)) : [here];
const work = mkdtempSync(join(tmpdir(), 'swgw-gateway-start-'));
const redis = await startPrivateRedis({ dir: join(work, 'redis'), persistent: false });
const dataKeys = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
// No flag: the environment says nothing of the cache, so each root does what its code does.
const cacheEnv = (dir: string): Record<string, string> =>
  flags.has('--no-compile-cache')
    ? { NODE_DISABLE_COMPILE_CACHE: '1' }
    : flags.has('--cold-cache')
      ? { NODE_COMPILE_CACHE: dir }
      : flags.has('--env-cache')
        ? { NODE_COMPILE_CACHE: join(work, 'env-cache') }
        : {};
const results = new Map<string, Figures[]>(roots.map((r) => [r, []]));
try {
  const envOf = (i: number, cacheDir: string) => ({
    REDIS_URL: redis.url,
    GW_KEY_PREFIX: `gstart-${i}`,
    GW_DATA_KEYS: dataKeys,
    ...cacheEnv(cacheDir),
  });
  // Untimed: imports the seed into each root's prefix and fills the compile cache, if used.
  for (const [i, root] of roots.entries())
    await (await startOnce(root, envOf(i, join(work, `warm-${i}`)))).stop();
  for (let round = 0; round < rounds; round++)
    for (const [i, root] of roots.entries()) {
      const start = await startOnce(
        root,
        envOf(i, join(work, `cold-${round}-${i}`)),
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, String(i))}`] : [],
      );
      const compileMs = await start.stop();
      results.get(root)!.push({ readyMs: start.readyMs, cpuMs: start.cpuMs, compileMs });
    }
} finally {
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}
const mode = flags.has('--no-compile-cache')
  ? 'compile cache disabled'
  : flags.has('--cold-cache')
    ? 'empty compile cache each start'
    : flags.has('--env-cache')
      ? 'NODE_COMPILE_CACHE, warm'
      : 'compile cache as the entry point sets it';
for (const [root, figures] of results) {
  console.log(`${root} (${rounds} gateway starts, ${mode}, ms)`);
  console.log(`  to /readyz wall ${summary(figures.map((f) => f.readyMs))}`);
  console.log(`  to /readyz CPU  ${summary(figures.map((f) => f.cpuMs))}`);
  console.log(`  compileMs       ${summary(figures.map((f) => f.compileMs))} (logged)`);
}
