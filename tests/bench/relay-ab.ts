// 202 → job through the outbox relay alone (gateway/README.md#outbox-relay), before and after a
// change: the intake bench's gateway and a worker process's relay (relay-worker.ts) with paced
// submissions at a fixed rate, the relay child taken from this checkout and from another one in
// alternating rounds (A B, B A, …), so both see the same gateway, Redis and machine. Unlike
// `npm run bench`, whose relay rate follows the gateway's measured maximum, the rate is fixed.
//   node tests/bench/relay-ab.ts --before /path/to/other/checkout [--rate 600] [--sec 6] [--rounds 4]
// Run it under flock /tmp/bench.lock like every measurement.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild } from './ipc.ts';
import { percentile } from './load.ts';
import { pacedLoad } from './paced.ts';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    rate: { type: 'string', default: '600' },
    sec: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '4' },
  },
});
if (!args.before) throw new Error('--before <checkout> is required');
const rate = Number(args.rate);
const durationSec = Number(args.sec);
const workers = {
  before: resolve(args.before, 'tests/bench/relay-worker.ts'),
  after: './relay-worker.ts',
};
const redis = await startPrivateRedis({
  dir: mkdtempSync(join(tmpdir(), 'relay-ab-')),
  persistent: false,
});
const env = {
  REDIS_URL: redis.url,
  GW_KEY_PREFIX: 'bench-intake',
  GW_ENV: 'development',
  LOG_LEVEL: 'info',
};
const gateway = await spawnChild('gateway', './gateway-server.ts', {
  env: { ...env, PORT: '0', GW_HOST: '127.0.0.1', GW_RATE_LIMIT_PER_SECOND: '1000000' },
});
const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
  id: string;
  secret: string;
}[];
const client = clients.find((c) => c.id === BENCH_CLIENT)!;
const load = {
  url: `http://127.0.0.1:${String(gateway.facts.port)}`,
  credentials: {
    clientId: client.id,
    secret: client.secret,
    signatureMethod: 'HMAC-SHA256' as const,
  },
  body: JSON.stringify(benchEnvelope()),
  rate,
};
const p99s: Record<string, string[]> = { before: [], after: [] };
try {
  for (let round = 0; round < Number(args.rounds); round++) {
    const order = round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const);
    for (const side of order) {
      const relay = await spawnChild('relay', workers[side], { env });
      // A fresh relay's first seconds (compiling, warming its connections) are not the steady state.
      await pacedLoad({ ...load, durationSec: 3 });
      await relay.ask('queued');
      const acceptedAt = new Map<string, number>();
      await pacedLoad({
        ...load,
        durationSec,
        onAccepted: (id, at) => acceptedAt.set(id, at),
      });
      const queuedAt = new Map<string, number>();
      const deadline = Date.now() + 5000;
      while (queuedAt.size < acceptedAt.size && Date.now() < deadline) {
        for (const [id, at] of Object.entries(await relay.ask('queued'))) {
          queuedAt.set(id, Number(at));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      await relay.stop();
      const latencies: number[] = [];
      for (const [id, at] of acceptedAt) {
        const queued = queuedAt.get(id);
        if (queued !== undefined) latencies.push(Math.max(0, queued - at));
      }
      const sorted = Float64Array.from(latencies).sort();
      const p = (q: number) => percentile(sorted, q).toFixed(2);
      p99s[side]!.push(p(0.99));
      process.stderr.write(
        `round ${round + 1} ${side.padEnd(6)} ${rate} req/s: ${acceptedAt.size} accepted, 202 → job p50 ${p(0.5)} p90 ${p(0.9)} p99 ${p(0.99)} max ${p(1)} ms${acceptedAt.size > latencies.length ? `  MISSING ${acceptedAt.size - latencies.length}` : ''}\n`,
      );
    }
  }
} finally {
  await gateway.stop();
  await redis.stop();
}
process.stderr.write(`p99 before ${p99s.before!.join(' ')} | after ${p99s.after!.join(' ')}\n`);
