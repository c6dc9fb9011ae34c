// Where redis-server's CPU per submission goes (issue 17): the intake bench's gateway with the
// outbox relay of a worker process beside it, and the plain service, each under the same signed
// load on a private redis-server; per side, INFO commandstats (reset before each run) per
// submission (a script's own commands are counted in its EVALSHA and again under their names),
// every EVALSHA named by script from SLOWLOG at threshold 0 (a second, shorter run: the slow log
// costs Redis CPU of its own, and its times are wall-clock, so a loaded machine inflates them),
// and redis-server's whole CPU per submission. Run under the bench lock:
//   flock /tmp/bench.lock node tests/bench/redis-cost.ts [--duration 8] [--connections 10]
//     [--sides gateway,plain] [--no-slowlog] [--rate R] [--no-relay: the gateway alone, its reconciler held
//     off] [--perf: redis-server's read/write/epoll_wait calls per submission, perf stat]
//     [--profile DIR: a CPU profile of the gateway child]
import { Redis } from 'ioredis';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
const require = createRequire(import.meta.url);
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { CASE_SCRIPTS } from '../../gateway/cases/case-scripts.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild, type RunningChild } from './ipc.ts';
import { signedLoad } from './load.ts';
import { redisCpuSeconds } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    sides: { type: 'string', default: 'gateway,plain' },
    'no-slowlog': { type: 'boolean', default: false },
    'no-relay': { type: 'boolean', default: false },
    // Count redis-server's system calls during the measured run (perf stat: tracepoints, cheap).
    perf: { type: 'boolean', default: false },
    // A fixed offered rate (autocannon overallRate): Redis's CPU per submission falls as more
    // commands share a read, so sides compared at their own maximum rates differ by that alone.
    rate: { type: 'string' },
    // Write a CPU profile of the gateway child here (node --cpu-prof).
    profile: { type: 'string' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);

// Script names by SHA: ours (the case scripts and every other luaScript text we can find) and
// BullMQ's (its commands directory, named by file).
const names = new Map<string, string>();
const sha = (text: string) => createHash('sha1').update(text).digest('hex');
for (const [name, script] of Object.entries(CASE_SCRIPTS)) names.set(script.sha, name);
const rate = readFileSync(projectPath('gateway/auth/scripts/consume-rate.lua'), 'utf8');
names.set(sha(rate), 'consume-rate');

const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
  id: string;
  secret: string;
}[];
const client = clients.find((c) => c.id === BENCH_CLIENT)!;
const creds = {
  clientId: client.id,
  secret: client.secret,
  signatureMethod: 'HMAC-SHA256' as const,
};
const body = JSON.stringify(benchEnvelope());

const dir = mkdtempSync(join(tmpdir(), 'swgw-redis-cost-'));
const redis = await startPrivateRedis({ dir, persistent: false });
const admin = new Redis(redis.url);
const children: RunningChild[] = [];

function commandstats(info: string) {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out;
}

async function bullmqNames(): Promise<void> {
  // BullMQ sends its scripts by EVALSHA of the text it loads: the SLOWLOG shows the SHA only.
  const scriptsDir = projectPath('node_modules/bullmq/dist/cjs/scripts');
  for (const file of readdirSync(scriptsDir)) {
    if (!file.endsWith('.js') || file === 'index.js') continue;
    const mod = require(join(scriptsDir, file)) as Record<
      string,
      { name?: string; content?: string }
    >;
    for (const value of Object.values(mod)) {
      if (value && typeof value.content === 'string')
        names.set(sha(value.content), `bullmq:${value.name ?? file}`);
    }
  }
}

try {
  await bullmqNames();
  const env = {
    REDIS_URL: redis.url,
    GW_KEY_PREFIX: 'bench-intake',
    GW_ENV: 'development',
    LOG_LEVEL: 'info',
  };
  const servers: Record<string, RunningChild> = {};
  const sides = args.sides.split(',');
  if (sides.includes('gateway')) {
    servers.gateway = await spawnChild('gateway', './gateway-server.ts', {
      env: {
        ...env,
        PORT: '0',
        GW_HOST: '127.0.0.1',
        GW_RATE_LIMIT_PER_SECOND: '1000000',
        ...(args['no-relay'] ? { GW_RECONCILE_AGE_MS: '3600000' } : {}),
      },
      ...(args.profile ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', args.profile] } : {}),
    });
    children.push(servers.gateway);
    if (!args['no-relay']) children.push(await spawnChild('relay', './relay-worker.ts', { env }));
  }
  if (sides.includes('plain')) {
    servers.plain = await spawnChild('plain', './plain-server.ts', {
      env: { REDIS_URL: redis.url },
    });
    children.push(servers.plain);
  }
  const url = (s: RunningChild) => `http://127.0.0.1:${String(s.facts.port)}`;
  for (const s of Object.values(servers)) {
    await signedLoad({ url: url(s), credentials: creds, body, connections, durationSec: 3 });
  }
  for (const [name, server] of Object.entries(servers)) {
    await admin.config('SET', 'slowlog-log-slower-than', '-1');
    await admin.call('CONFIG', 'RESETSTAT');
    const cpu0 = await redisCpuSeconds(admin);
    const events = ['read', 'write', 'epoll_wait'].map((c) => `syscalls:sys_enter_${c}`);
    const perf = args.perf
      ? spawn(
          'perf',
          ['stat', '-x', ',', '-e', events.join(','), '-p', String(redis.process.pid)],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        )
      : undefined;
    let perfOut = '';
    perf?.stderr?.on('data', (d: Buffer) => (perfOut += d.toString()));
    const r = await signedLoad({
      url: url(server),
      credentials: creds,
      body,
      connections,
      durationSec: duration,
      ...(args.rate ? { overallRate: Number(args.rate) } : {}),
    });
    // Let the relay finish the last batch.
    await new Promise((res) => setTimeout(res, 500));
    const cpu = (await redisCpuSeconds(admin)) - cpu0;
    const n = r.ok + r.non2xx;
    if (perf) {
      const ended = new Promise((res) => perf.once('exit', res));
      perf.kill('SIGINT');
      await ended;
      for (const line of perfOut.split('\n')) {
        const [count, , event] = line.split(',');
        if (event?.startsWith('syscalls:'))
          process.stdout.write(
            `  ${event.padEnd(36)} ${(Number(count) / n).toFixed(2)} per request\n`,
          );
      }
    }
    const stats = commandstats(await admin.info('commandstats'));
    process.stdout.write(
      `\n== ${name}: ${n} requests (${r.requestsPerSec.toFixed(0)} req/s), redis CPU ${((cpu * 1e6) / n).toFixed(1)} µs per request\n`,
    );
    let sum = 0;
    const rows = [...stats].sort((a, b) => b[1].usec - a[1].usec);
    for (const [cmd, s] of rows) {
      if (cmd === 'info' || cmd === 'config') continue;
      sum += s.usec;
      process.stdout.write(
        `  ${cmd.padEnd(28)} ${(s.calls / n).toFixed(3).padStart(8)} calls/req  ${(s.usec / n).toFixed(2).padStart(7)} µs/req  ${(s.usec / s.calls).toFixed(2).padStart(7)} µs/call\n`,
      );
    }
    process.stdout.write(
      `  (sum of rows, nested commands counted twice: ${(sum / n).toFixed(1)} µs/req)\n`,
    );

    if (args['no-slowlog']) continue;
    await admin.call('SLOWLOG', 'RESET');
    await admin.config('SET', 'slowlog-max-len', '1000000');
    await admin.config('SET', 'slowlog-log-slower-than', '0');
    const r2 = await signedLoad({
      url: url(server),
      credentials: creds,
      body,
      connections,
      durationSec: 3,
    });
    await new Promise((res) => setTimeout(res, 500));
    await admin.config('SET', 'slowlog-log-slower-than', '-1');
    const entries = (await admin.call('SLOWLOG', 'GET', '-1')) as [
      number,
      number,
      number,
      string[],
    ][];
    const n2 = r2.ok + r2.non2xx;
    const by = new Map<string, { calls: number; usec: number; argBytes: number }>();
    for (const [, , usec, argv] of entries) {
      const cmd = argv[0]!.toLowerCase();
      if (cmd === 'config' || cmd === 'slowlog') continue;
      const key =
        cmd === 'evalsha' ? `evalsha ${names.get(argv[1]!) ?? argv[1]!.slice(0, 12)}` : cmd;
      const e = by.get(key) ?? { calls: 0, usec: 0, argBytes: 0 };
      e.calls++;
      e.usec += usec;
      e.argBytes += argv.reduce((a, s) => a + s.length, 0);
      by.set(key, e);
    }
    process.stdout.write(`  -- slowlog, ${n2} requests (top-level commands only) --\n`);
    for (const [k, e] of [...by].sort((a, b) => b[1].usec - a[1].usec)) {
      process.stdout.write(
        `  ${k.padEnd(40)} ${(e.calls / n2).toFixed(3).padStart(8)} calls/req  ${(e.usec / n2).toFixed(2).padStart(7)} µs/req  ${(e.usec / e.calls).toFixed(2).padStart(7)} µs/call  ~${Math.round(e.argBytes / e.calls)} B args\n`,
      );
    }
  }
} finally {
  for (const c of children.reverse()) await c.stop();
  admin.disconnect();
  await redis.stop();
}
