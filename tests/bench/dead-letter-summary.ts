// The dead-letter summary at an outage's scale (gateway/README.md#dead-letters): `--letters` dead
// letters (default 20 000) of two adapters and three kinds, made by the case store's own moves
// (create, then delivery-failed, as a worker leaves them) on a private redis-server, then the
// summary the console's list page shows timed (median of `--runs`), a filtered page of one
// adapter and kind, and the Redis bytes the dead-letter keys hold per letter (MEMORY USAGE of the
// shard's list and of its index keys), then the reconciler's repair of the index: a pass that only
// compares counts, a full check with nothing to do, and the backfill of the letters once the index
// is dropped (as stored before it). Run under the bench lock:
//   flock /tmp/bench.lock node tests/bench/dead-letter-summary.ts [--letters 20000] [--runs 5]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/load-config.ts';
import { deadLetterPage } from '../../gateway/admin/dead-letter-page.ts';
import { summariseDeadLetters } from '../../gateway/admin/dead-letter-summary.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import { createCaseStore } from '../../gateway/cases/case-store.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { BENCH_CLIENT, benchEnvelope, benchRecord } from './bench-case.ts';
import { median } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    letters: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
  },
});
const letters = Number(args.letters);
const runs = Number(args.runs);

const REASONS = [
  'gave up after 5 attempts: province unreachable (ECONNREFUSED)',
  'refused: RETCODE -102 字段校验不通过 申请人 张三 110101199003071234',
  'stored submission unreadable: data key k0 is not listed',
];
const ADAPTERS = ['sc-chengdu', 'yn'];

const dir = mkdtempSync(join(tmpdir(), 'swgw-bench-dead-letters-'));
const server = await startPrivateRedis({ dir, persistent: false });
const redis = new Redis(server.url, { maxRetriesPerRequest: null });
try {
  const prefix = `bench-dl-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ REDIS_URL: server.url, GW_KEY_PREFIX: prefix });
  const keys = redisKeys(prefix, config.redisShards);
  const store = createCaseStore({ redis, config, listeners: [], now: () => new Date() });
  const envelope = benchEnvelope();
  const made = Date.now();
  for (let done = 0; done < letters; done += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, letters - done) }, async (_, j) => {
        const n = done + j;
        const keyHash = randomBytes(32).toString('hex');
        const id = newCaseId(store.submissionShard(keyHash));
        const base = benchRecord(id, new Date().toISOString());
        const adapter = ADAPTERS[n % ADAPTERS.length]!;
        const record = { ...base, route: { ...base.route, adapter }, adapters: [adapter] };
        const created = await store.create(
          {
            clientId: BENCH_CLIENT,
            keyHash,
            record: { id, requestHash: 'b' },
            legacyRequestHash: 'b',
          },
          envelope,
          [{ record }],
        );
        if (!created.created) throw new Error(`case ${id} not created`);
        const moved = await recordDeliveryFailed(store, record, {
          adapterId: adapter,
          reason: REASONS[Math.floor(n / 2) % REASONS.length]!,
        });
        if (!moved.ok) throw new Error(`case ${id} did not fail`);
      }),
    );
  }
  console.log(`made ${letters} dead letters in ${Date.now() - made} ms`);

  const summaryMs: number[] = [];
  const summaryCpuMs: number[] = [];
  let summary: Awaited<ReturnType<typeof summariseDeadLetters>> | undefined;
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    summary = await summariseDeadLetters(store);
    summaryMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpu);
    summaryCpuMs.push((used.user + used.system) / 1000);
  }
  console.log(
    `summary: median ${median(summaryMs).toFixed(1)} ms over ${runs} (${summaryMs.map((m) => m.toFixed(0)).join(', ')}), gateway CPU median ${median(summaryCpuMs).toFixed(1)} ms; total ${summary?.total}, complete ${summary?.complete}, ${summary?.tallies.length} tallies`,
  );

  const log = createLogger({ level: 'silent', env: 'test' });
  const pageMs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await deadLetterPage(
      store,
      { unmasked: false, log },
      { adapter: 'yn', kind: 'unreadable', limit: 100 },
    );
    pageMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`filtered page (yn, unreadable, 100): median ${median(pageMs).toFixed(1)} ms`);

  // Every key of the dead letters: the shard's list and whatever sits beside it under its name.
  let bytes = 0;
  for (const shard of keys.allShards) {
    const named = await redis.keys(`${shard.deadLetters}*`);
    for (const key of named)
      bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
  }
  console.log(`dead-letter keys: ${bytes} bytes, ${(bytes / letters).toFixed(1)} per letter`);
  const listBytes = (
    await Promise.all(
      keys.allShards.map(async (s) =>
        Number(await redis.call('MEMORY', 'USAGE', s.deadLetters, 'SAMPLES', '0')),
      ),
    )
  ).reduce((a, b) => a + b, 0);
  console.log(
    `of which the lists: ${listBytes} bytes (${(listBytes / letters).toFixed(1)} per letter), the index ${((bytes - listBytes) / letters).toFixed(1)} per letter`,
  );

  // The reconciler's part: a pass of counts, a full check with nothing to do, the backfill.
  const repairAll = async (full: boolean) => {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let changed = 0;
    for (const shard of keys.allShards) {
      const r = await store.repairDeadLetterIndex(shard.shard, full);
      changed += r.indexed + r.removed;
    }
    const used = process.cpuUsage(cpu);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return `${ms.toFixed(1)} ms (gateway CPU ${((used.user + used.system) / 1000).toFixed(1)} ms), ${changed} changed`;
  };
  console.log(`repair, counts only: ${await repairAll(false)}`);
  console.log(`repair, full check: ${await repairAll(true)}`);
  for (const shard of keys.allShards) {
    for (const key of await redis.smembers(shard.deadLetterIndexes)) await redis.del(key);
    await redis.del(shard.deadLetterIndexes);
  }
  console.log(`backfill of ${letters} letters stored without the index: ${await repairAll(false)}`);
} finally {
  redis.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
