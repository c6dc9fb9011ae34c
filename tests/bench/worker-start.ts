// `node tests/bench/worker-start.ts [rounds] [project roots…]`: what starting the worker process
// costs (adapters/worker-process.ts startWorkers, every adapter), on a private Redis whose
// catalogue a gateway has already imported (seeded here before the clock starts, with the root's
// own code). Each measurement is a fresh process — a start is a cold V8 — and the rounds alternate
// between the project roots given (default: this one), so a before/after comparison shares the
// machine's load. Reported, never asserted: wall and CPU milliseconds of importing
// worker-process.ts and of startWorkers, median and range per root.
// With --once <root> <redis url> it is the child: one start, its figures as one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as WorkerProcess from '../../adapters/worker-process.ts';
import type * as LoadConfig from '../../config/load-config.ts';
import type * as CatalogueStore from '../../gateway/catalogue/published/catalogue-store.ts';
import type * as ConnectCatalogue from '../../gateway/catalogue/published/connect-catalogue.ts';
import type * as Logger from '../../gateway/shared/logger.ts';
import type * as RedisKeys from '../../gateway/shared/redis-keys.ts';

interface Figures {
  importMs: number;
  importCpuMs: number;
  startMs: number;
  startCpuMs: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function once(root: string, redisUrl: string): Promise<Figures> {
  const at = (path: string) => join(root, path);
  const { loadConfig } = (await import(at('config/load-config.ts'))) as typeof LoadConfig;
  const { createLogger } = (await import(at('gateway/shared/logger.ts'))) as typeof Logger;
  const prefix = `wstart-${process.pid}`;
  const config = loadConfig({
    REDIS_URL: redisUrl,
    GW_KEY_PREFIX: prefix,
    GW_ENV: 'test',
    GW_DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  });
  {
    // What a gateway did before this worker started: the seed imported into the catalogue.
    const { Redis } = await import('ioredis');
    const { createCatalogueStore } = (await import(
      at('gateway/catalogue/published/catalogue-store.ts')
    )) as typeof CatalogueStore;
    const { readCatalogueSeed } = (await import(
      at('gateway/catalogue/published/connect-catalogue.ts')
    )) as typeof ConnectCatalogue;
    const { redisKeys } = (await import(at('gateway/shared/redis-keys.ts'))) as typeof RedisKeys;
    const redis = new Redis(redisUrl);
    await createCatalogueStore(redis, redisKeys(prefix).catalogue).seed(readCatalogueSeed());
    redis.disconnect();
  }
  let cpu = process.cpuUsage();
  let started = performance.now();
  const { startWorkers } = (await import(at('adapters/worker-process.ts'))) as typeof WorkerProcess;
  const importMs = performance.now() - started;
  const importCpuMs = cpuMs(cpu);
  cpu = process.cpuUsage();
  started = performance.now();
  const running = await startWorkers(config, createLogger({ level: 'silent', env: 'test' }));
  const startMs = performance.now() - started;
  const startCpuMs = cpuMs(cpu);
  await running.stop();
  return { importMs, importCpuMs, startMs, startCpuMs };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
}

const here = resolve(fileURLToPath(import.meta.url), '../../..');
const onceAt = process.argv.indexOf('--once');
if (onceAt >= 0) {
  const [root, url] = process.argv.slice(onceAt + 1);
  process.stdout.write(`${JSON.stringify(await once(root!, url!))}\n`);
  process.exit(0);
} else {
  const { startPrivateRedis } = await import('../../scripts/private-redis.ts');
  const [roundsArg, ...rootArgs] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 7);
  const roots = rootArgs.length > 0 ? rootArgs.map((r) => resolve(r)) : [here];
  const redis = await startPrivateRedis({
    dir: mkdtempSync(join(tmpdir(), 'swgw-worker-start-')),
    persistent: false,
  });
  const results = new Map<string, Figures[]>(roots.map((r) => [r, []]));
  try {
    for (let round = 0; round < rounds; round++)
      for (const root of roots) {
        const out = execFileSync(
          process.execPath,
          [join(here, 'tests/bench/worker-start.ts'), '--once', root, redis.url],
          { cwd: root, encoding: 'utf8' },
        );
        results.get(root)!.push(JSON.parse(out.trim().split('\n').at(-1)!) as Figures);
      }
  } finally {
    await redis.stop();
  }
  for (const [root, figures] of results) {
    console.log(`${root} (${rounds} processes, ms)`);
    console.log(`  startWorkers wall ${summary(figures.map((f) => f.startMs))}`);
    console.log(`  startWorkers CPU  ${summary(figures.map((f) => f.startCpuMs))}`);
    console.log(`  import wall       ${summary(figures.map((f) => f.importMs))}`);
    console.log(`  import CPU        ${summary(figures.map((f) => f.importCpuMs))}`);
  }
}
