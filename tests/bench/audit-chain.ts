// `node tests/bench/audit-chain.ts`: what the audit chain (gateway/README.md#audit-chain) costs on a
// private Redis: one append alone, appends racing from two connections (compare-and-set retries),
// the Redis memory of an entry, and a full verification of the chain. Figures are reported, never
// asserted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAuditLog, type AuditEntryInput } from '../../gateway/audit/audit-log.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';

const ENTRIES = Number(process.env.AUDIT_BENCH_ENTRIES ?? 5000);

const redisServer = await startPrivateRedis({
  dir: mkdtempSync(join(tmpdir(), 'swgw-audit-bench-')),
  persistent: false,
});
const a = new Redis(redisServer.url);
const b = new Redis(redisServer.url);
try {
  const keys = redisKeys('bench');
  const now = () => new Date();
  const one = createAuditLog({ redis: a, keys, now });
  const two = createAuditLog({ redis: b, keys, now });
  const entry = (n: number): AuditEntryInput => ({
    actor: n % 2 ? 'operator-dev' : 'operator-dev-2',
    action: 'dead-letter.replay',
    target: `01JBENCH${String(n).padStart(18, '0')}`,
    outcome: 'ok',
    reason: 'OPS-1234: province recovered',
    requestId: `0b6e5a0c-${String(n).padStart(4, '0')}-4c7e-9a51-2f1d3c4b5a69`,
  });

  let started = performance.now();
  for (let n = 0; n < ENTRIES / 2; n++) await one.append(entry(n));
  const sequential = (performance.now() - started) / (ENTRIES / 2);

  started = performance.now();
  await Promise.all(
    Array.from({ length: ENTRIES / 2 }, (_, n) => (n % 2 ? one : two).append(entry(n))),
  );
  const racing = (performance.now() - started) / (ENTRIES / 2);

  const bytes = Number(await a.call('MEMORY', 'USAGE', keys.audit.entries, 'SAMPLES', '0'));
  started = performance.now();
  const verdict = await one.verify();
  const verifyMs = performance.now() - started;

  console.log(`append, one at a time:          ${(sequential * 1000).toFixed(0)} µs each`);
  console.log(
    `append, racing on two conns:    ${(racing * 1000).toFixed(0)} µs each (wall / entries)`,
  );
  console.log(`Redis memory per entry:         ${(bytes / ENTRIES).toFixed(0)} B`);
  console.log(
    `verify ${verdict.checked} entries:           ${verifyMs.toFixed(0)} ms (${verdict.ok ? 'ok' : `broken at ${verdict.brokenSeq}`})`,
  );
} finally {
  a.disconnect();
  b.disconnect();
  await redisServer.stop();
}
