// `node tests/bench/catalogue-reload.ts`: what live reload of the catalogue costs
// (gateway/README.md#live-reload), on a private Redis. Reported, never asserted:
//   - start: import the seed and compile the whole catalogue from Redis, as a gateway start does;
//   - reload of one changed item: a version published, then one reload (read the digests, fetch
//     the new version, compile it alone, swap the registry), CATALOGUE_BENCH_ROUNDS times;
//   - approve → served by the other instance: two gateway processes (gateway/main.ts) on the Redis,
//     a draft approved over HTTP through the first, the second polled until it serves the version.
// Goals: one item ≤ 50 ms, approve → served elsewhere ≤ 1 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { draftItemOf, versionDocument } from '../../gateway/catalogue/admin/item-version.ts';
import { createCatalogueCompiler } from '../../gateway/catalogue/catalogue-compiler.ts';
import { parseExamples } from '../../gateway/catalogue/item-files.ts';
import { createLiveCatalogue } from '../../gateway/catalogue/live-catalogue.ts';
import { registryBuilder } from '../../gateway/catalogue/schema-registry.ts';
import { createCatalogueStore } from '../../gateway/catalogue/published/catalogue-store.ts';
import { readCatalogueSeed } from '../../gateway/catalogue/published/connect-catalogue.ts';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { loadDivisionTables } from '../../gateway/divisions/load-division-table.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { freePort, startPrivateRedis } from '../../scripts/private-redis.ts';

const ROUNDS = Number(process.env.CATALOGUE_BENCH_ROUNDS ?? 10);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${ms(median)}, min ${ms(sorted[0]!)}, max ${ms(sorted.at(-1)!)} (${values.length} rounds)`;
};

const redisServer = await startPrivateRedis({
  dir: mkdtempSync(join(tmpdir(), 'swgw-catalogue-bench-')),
  persistent: false,
});
const redis = new Redis(redisServer.url);
const children: ChildProcess[] = [];
try {
  // 1. Start and one-item reloads, in this process.
  const keys = redisKeys('bench').catalogue;
  const store = createCatalogueStore(redis, keys);
  const compiler = createCatalogueCompiler({ divisions: loadDivisionTables() });
  const catalogue = createLiveCatalogue({
    builder: registryBuilder(compiler),
    logger: createLogger({ level: 'silent', env: 'test' }),
  });
  const seed = readCatalogueSeed();
  let started = performance.now();
  const start = await catalogue.connect({ store, seed: () => seed, pollMs: 60_000 });
  const startMs = performance.now() - started;

  const source = seed.sources.find((s) => s.item.code === 'SW-005')!;
  const examples = parseExamples('examples', source.examplesText);
  if (!examples.ok) throw new Error(examples.problem);
  const reloads: number[] = [];
  const compiles: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const version = round + 1;
    const item = draftItemOf(
      source.item,
      JSON.parse(source.schemaText) as Record<string, unknown>,
      examples.value,
      {
        code: 'SW-005',
        version,
      },
    );
    item.schema.description = `SW-005, bench round ${round}`;
    const draftKey = keys.draft(`bench-${round}`);
    await redis.hset(draftKey, 'status', 'in-review');
    const published = await store.publish({
      draftKey,
      approver: 'bench',
      at: new Date().toISOString(),
      item: {
        code: 'SW-005',
        baseVersion: version - 1,
        ...versionDocument('SW-005', version, item),
      },
    });
    if (!published.ok) throw new Error(JSON.stringify(published));
    started = performance.now();
    const outcome = await catalogue.sync();
    reloads.push(performance.now() - started);
    compiles.push(outcome.compileMs ?? 0);
    if (outcome.compiled !== 1 || catalogue.current.item('SW-005')?.version !== version)
      throw new Error(`round ${round}: compiled ${outcome.compiled}`);
  }
  await catalogue.close();

  // 2. Approve through one gateway process, served by another.
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const ports = [await freePort(), await freePort()];
  const dataKey = `k1:${randomBytes(32).toString('base64')}`;
  for (const port of ports) {
    children.push(
      spawn(process.execPath, [projectPath('gateway/main.ts')], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          REDIS_URL: redisServer.url,
          GW_KEY_PREFIX: prefix,
          GW_ENV: 'test',
          GW_DATA_KEYS: dataKey,
          GW_HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      }),
    );
    // One at a time: the first imports the seed, the second loads it.
    for (const deadline = Date.now() + 120_000; ;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`gateway on ${port} not ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const clients = loadClientRegistry({ env: 'development' });
  const client = (port: number, id: string) =>
    new GatewayClient(`http://127.0.0.1:${port}`, {
      clientId: id,
      secret: clients.get(id)!.secret,
    });
  const [first, second] = ports as [number, number];
  const served: number[] = [];
  const approveMs: number[] = [];
  for (let round = 1; round <= Math.min(ROUNDS, 5); round++) {
    const version = round + 1;
    const ga001 = seed.sources.find((s) => s.item.code === 'GA-001')!;
    const gaExamples = parseExamples('examples', ga001.examplesText);
    if (!gaExamples.ok) throw new Error(gaExamples.problem);
    const body = {
      itemCode: 'GA-001',
      item: {
        ...draftItemOf(
          ga001.item,
          JSON.parse(ga001.schemaText) as Record<string, unknown>,
          gaExamples.value,
          {
            code: 'GA-001',
            version,
          },
        ),
        promisedDays: 60 - round,
      },
    };
    const author = client(first, 'operator-dev');
    const drafts = '/v1/admin/catalogue/drafts';
    const created = await author.request<{ draftId: string }>('POST', drafts, { json: body });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    const id = created.body.draftId;
    await author.request('POST', `${drafts}/${id}/validate`);
    await author.request('POST', `${drafts}/${id}/submit`);
    started = performance.now();
    const approved = await client(first, 'operator-dev-2').request(
      'POST',
      `${drafts}/${id}/approve`,
    );
    if (approved.status !== 200) throw new Error(JSON.stringify(approved.body));
    approveMs.push(performance.now() - started);
    const reader = client(second, 'portal-sc');
    for (;;) {
      const res = await reader.request<{ version: number }>('GET', '/v1/catalogue/items/GA-001');
      if (res.body.version === version) break;
      if (performance.now() - started > 10_000) throw new Error('not served within 10 s');
    }
    served.push(performance.now() - started);
  }

  console.log('catalogue live reload (private Redis; figures reported, not asserted)');
  console.log(`  start: seed import + compile of ${start.compiled} item versions: ${ms(startMs)}`);
  console.log(`  reload after one item changed (goal ≤ 50 ms): ${summary(reloads)}`);
  console.log(`    of which compiling the one item: ${summary(compiles)}`);
  console.log(
    `  approve request (publish + reload on the approving gateway): ${summary(approveMs)}`,
  );
  console.log(`  approve sent → served by the other gateway (goal ≤ 1 s): ${summary(served)}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  redis.disconnect();
  await redisServer.stop();
}
