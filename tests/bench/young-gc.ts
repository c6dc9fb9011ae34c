// The gateway's young-generation GCs under paced signed load (README.md#issue-17s-figures,
// gateway/README.md#garbage-collection): `node gateway/main.ts --trace-gc-nvp` on a private
// redis-server with a worker process's outbox relay beside it (relay-worker.ts), the bench's paced
// open-loop generator (paced.ts) at --rate req/s, a warm-up, then the measured run; V8's line per
// scavenge gives its pause, what was allocated since the last one and what survived. Per request:
// bytes allocated; per scavenge: pause, survived share, promoted. --route picks the request: the
// bench's signed POST /v1/cases (cases, the default), a signed GET /v1/divisions/530323 (divisions:
// the signed path without a body, a Redis write or a job) or the public GET /healthz (healthz: no
// signature check at all), so what one path leaves alive can be told from what another does.
//   node tests/bench/young-gc.ts [--rate 450] [--seconds 8] [--route cases|divisions|healthz]
//     [--node-args=--max-semi-space-size=4]
// (run through the project's Node 24: `node_modules/.bin/node`). Separate from `npm run bench`:
// it reads V8's own trace, which the bench's children do not print.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startPrivateRedis } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild } from './ipc.ts';
import { pacedLoad, type PacedRoute } from './paced.ts';

const ROUTES: Record<string, PacedRoute> = {
  cases: { method: 'POST', path: '/v1/cases', signed: true },
  divisions: { method: 'GET', path: '/v1/divisions/530323', signed: true },
  healthz: { method: 'GET', path: '/healthz', signed: false },
};

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '450' },
    seconds: { type: 'string', default: '8' },
    route: { type: 'string', default: 'cases' },
    'node-args': { type: 'string', default: '' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const route = ROUTES[args.route];
if (!route) throw new Error(`--route must be one of ${Object.keys(ROUTES).join(', ')}`);

const dir = mkdtempSync(join(tmpdir(), 'swgw-young-gc-'));
const redis = await startPrivateRedis({ dir, persistent: false, stdio: 'ignore' });
const port = await freePort();
const nodeArgs = ['--trace-gc-nvp', ...args['node-args'].split(' ').filter(Boolean)];
const gateway = spawn(process.execPath, [...nodeArgs, projectPath('gateway/main.ts')], {
  env: {
    ...process.env,
    REDIS_URL: redis.url,
    GW_ENV: 'development',
    PORT: String(port),
    GW_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    GW_RATE_LIMIT_PER_SECOND: '1000000',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// A worker process's outbox relay beside it, as in production and in the intake bench: without one,
// the gateway's reconciler would relay every case itself (BullMQ's addBulk in the measured process).
const relay = await spawnChild('relay', './relay-worker.ts', {
  env: { REDIS_URL: redis.url, GW_ENV: 'development', LOG_LEVEL: 'warn' },
});
let trace = '';
gateway.stdout.setEncoding('utf8').on('data', (chunk: string) => (trace += chunk));

const url = `http://127.0.0.1:${port}`;
for (let ready = false; !ready;) {
  ready = await fetch(`${url}/readyz`).then(
    (res) => res.ok,
    () => false,
  );
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
}
const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
  id: string;
  secret: string;
}[];
const client = clients.find((c) => c.id === BENCH_CLIENT)!;
const spec = {
  url,
  credentials: { clientId: client.id, secret: client.secret, signatureMethod: 'HMAC-SHA256' },
  body: JSON.stringify(benchEnvelope()),
  rate,
  route,
} as const;
await pacedLoad({ ...spec, durationSec: 3 });
const from = trace.length;
const load = await pacedLoad({ ...spec, durationSec: seconds });
const measured = trace.slice(from);
gateway.kill('SIGTERM');
await new Promise((resolve) => gateway.once('exit', resolve));
await relay.stop();
await redis.stop();
rmSync(dir, { recursive: true, force: true });

// One `--trace-gc-nvp` line per GC: `pause=… gc=s … allocated=… promoted=… new_space_survived=…`.
const gcs = measured
  .split('\n')
  .filter((line) => line.includes(' gc='))
  .map((line): Record<string, string | undefined> =>
    Object.fromEntries([...line.matchAll(/(\w[\w.]*)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  );
const scavenges = gcs.filter((g) => g.gc === 's');
const num = (g: Record<string, string | undefined>, key: string) => Number(g[key] ?? NaN);
const pauses = scavenges.map((g) => num(g, 'pause')).sort((a, b) => a - b);
const allocated = scavenges.reduce((sum, g) => sum + num(g, 'allocated'), 0);
const survived = scavenges.reduce((sum, g) => sum + num(g, 'new_space_survived'), 0);
const promoted = scavenges.reduce((sum, g) => sum + num(g, 'promoted'), 0);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const requests = load.ok + load.non2xx;

console.log(
  `young-gc: ${requests} ${route.signed ? 'signed' : 'unsigned'} ${route.method} ${route.path} at ${rate} req/s for ${seconds} s`,
);
console.log(
  `  latency p50 ${load.latencyMs.p50.toFixed(2)} / p99 ${load.latencyMs.p99.toFixed(2)} / max ${load.latencyMs.max.toFixed(2)} ms; non-2xx ${load.non2xx}`,
);
console.log(
  `  scavenges ${scavenges.length}: pause median ${(pauses[pauses.length >> 1] ?? NaN).toFixed(1)} / max ${(pauses.at(-1) ?? NaN).toFixed(1)} ms, ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms in all`,
);
console.log(
  `  allocated ${mib(allocated)} (${(allocated / requests / 1024).toFixed(0)} KiB per request); survived ${((100 * survived) / allocated).toFixed(1)} % of it; promoted ${mib(promoted)}`,
);
console.log(
  `  full GCs ${gcs.length - scavenges.length}: pauses ${gcs
    .filter((g) => g.gc !== 's')
    .map((g) => num(g, 'pause').toFixed(1))
    .join(', ')} ms`,
);
if (load.non2xx > 0) process.exitCode = 1;
