// The Docker image, without a Docker engine (none runs on these machines): the Dockerfile's build
// stage is `npm run build` (here without its type check: buildStage below), and its runtime stage
// is assembled here from the Dockerfile itself — each COPY, the folders its RUN lines hand to the
// `node` user, and the production dependencies alone (`npm ci --omit=dev`, read from
// package-lock.json). The gateway (the image's CMD), the worker and the portal then run from that
// folder as docker-compose runs them: development mode, no GW_DATA_KEYS. Caught once: the
// console's stylesheet and script were not in the image (404), and the development data key was
// written where the `node` user may not write.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { devSecret, validExample } from '../support/api-gateway.ts';
import { waitFor } from '../support/redis.ts';

const execFileAsync = promisify(execFile);
const APP = '/app';

interface RuntimeStage {
  /** [source, destination]: a source under /app is the build stage's, anything else the context's. */
  copies: [string, string][];
  /** Folders the stage creates and gives to the `node` user (RUN mkdir -p … && chown node:node …). */
  nodeOwned: string[];
  cmd: string[];
}

/** The runtime stage of the Dockerfile: the stage after `FROM … AS runtime`, to the end. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const start = lines.findIndex((l) => /^FROM\s+\S+\s+AS\s+runtime\b/i.test(l));
  if (start === -1) throw new Error('the Dockerfile has no stage named runtime');
  const stage: RuntimeStage = { copies: [], nodeOwned: [], cmd: [] };
  for (const line of lines.slice(start + 1)) {
    if (/^COPY\s/.test(line)) {
      // COPY [--from=build] <source>… <destination>: a source under /app is the build stage's.
      const words = line
        .split(/\s+/)
        .slice(1)
        .filter((w) => !w.startsWith('--'));
      const destination = words.pop()!;
      for (const source of words) {
        stage.copies.push([source, destination.endsWith('/') ? destination + source : destination]);
      }
    }
    const chown = /chown\s+node:node\s+(.+)$/.exec(line);
    if (line.startsWith('RUN') && chown) stage.nodeOwned.push(...chown[1]!.trim().split(/\s+/));
    const cmd = /^CMD\s+(\[.*\])\s*$/.exec(line);
    if (cmd) stage.cmd = JSON.parse(cmd[1]!) as string[];
  }
  return stage;
}

/** An image path (absolute under /app, or relative to WORKDIR /app) inside the assembled folder. */
function inImage(root: string, path: string): string {
  return join(root, path.startsWith(`${APP}/`) ? path.slice(APP.length + 1) : path);
}

/**
 * The top-level packages `npm ci --omit=dev` installs, by the lock file: not dev, and an optional
 * one only where this machine installed it (another platform's native build is skipped).
 */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(projectPath('package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path) && !entry.dev)
    .filter(([path, entry]) => !entry.optional || existsSync(projectPath(path)))
    .map(([path]) => path);
}

function files(root: string, under = root): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(under, { withFileTypes: true })) {
    const path = join(under, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...files(root, path));
    else if (!entry.isDirectory()) found.push(relative(root, path));
  }
  return found;
}

/**
 * The build stage: the repository's own build script (package.json's `build`), as the Dockerfile
 * runs it, with tsc's --noCheck. tsc emits the same files with or without its type check (no
 * noEmitOnError: compared file for file once), and `npm run check` type-checks these sources with
 * the same compiler options (`npm run typecheck`) before it runs the tests; here the check took
 * 8 of the file's 21 s, for nothing the image's files or processes show.
 */
async function buildStage(): Promise<void> {
  const { scripts } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as {
    scripts: { build: string };
  };
  const compile = 'tsc -p tsconfig.build.json';
  if (!scripts.build.startsWith(`${compile} `)) {
    throw new Error(`package.json's build no longer starts with ${compile}: ${scripts.build}`);
  }
  // As `npm run` runs a script: sh, with the project's node_modules/.bin first on the PATH.
  await execFileAsync('sh', ['-c', scripts.build.replace(compile, `${compile} --noCheck`)], {
    cwd: projectPath(),
    env: { ...process.env, PATH: `${projectPath('node_modules', '.bin')}:${process.env.PATH}` },
    maxBuffer: 1 << 24,
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
}

function run(cwd: string, args: string[], env: Record<string, string>): Running {
  // `node` in the image's CMD is the image's Node 24: here the one running the tests.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** SIGTERM, as `docker stop` sends the container's PID 1; the exit code, or the signal's name. */
async function stop(running: Running | undefined): Promise<number | string | undefined> {
  if (!running) return undefined;
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null)
    return child.exitCode ?? child.signalCode!;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal!)),
  );
  child.kill('SIGTERM');
  return exited;
}

describe('the Docker image (runtime stage assembled from the Dockerfile)', () => {
  const stage = runtimeStage(readFileSync(projectPath('Dockerfile'), 'utf8'));
  let root: string;
  let before: Set<string>;
  let redis: PrivateRedis;
  let redisDir: string;
  let gateway: Running | undefined;
  let worker: Running | undefined;
  let portal: Running | undefined;
  let gatewayUrl: string;
  let portalUrl: string;
  let workerOpsPort: number;
  let province: Server;
  const provinceRequests: string[] = [];

  beforeAll(async () => {
    await buildStage();
    root = mkdtempSync(join(tmpdir(), 'swgw-image-'));
    chmodSync(root, 0o755);
    for (const [source, destination] of stage.copies) {
      const from = source.startsWith(`${APP}/`)
        ? inImage(projectPath(), source)
        : projectPath(source);
      cpSync(from, inImage(root, destination), { recursive: true });
    }
    for (const path of productionPackages()) {
      cpSync(projectPath(path), join(root, path), { recursive: true, verbatimSymlinks: true });
    }
    for (const folder of stage.nodeOwned) mkdirSync(inImage(root, folder), { recursive: true });
    before = new Set(files(root));

    redisDir = mkdtempSync(join(tmpdir(), 'swgw-image-redis-'));
    redis = await startPrivateRedis({ dir: redisDir, persistent: false });
    // 云南's platform, faked at the network: any request proves the worker opened the sealed case.
    province = createServer((req, res) => {
      provinceRequests.push(`${req.method} ${req.url}`);
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => province.listen(0, '127.0.0.1', resolve));
    const provincePort = (province.address() as { port: number }).port;

    const port = await freePort();
    const portalPort = await freePort();
    workerOpsPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    portalUrl = `http://127.0.0.1:${portalPort}`;
    // docker-compose's settings for the gateway and the worker (no GW_DATA_KEYS: development).
    const compose = { REDIS_URL: redis.url, GW_ENV: 'development', LOG_LEVEL: 'warn' };
    gateway = run(root, stage.cmd.slice(1), {
      ...compose,
      NODE_ENV: 'production',
      PORT: String(port),
      GW_HOST: '127.0.0.1',
    });
    worker = run(root, ['dist/adapters/worker.js'], {
      ...compose,
      NODE_ENV: 'production',
      GW_ADAPTER_YN_BASE_URL: `http://127.0.0.1:${provincePort}`,
      GW_WORKER_METRICS_PORT: String(workerOpsPort),
      GW_WORKER_METRICS_HOST: '127.0.0.1',
    });
    portal = run(root, ['dist/portal/server/main.js'], {
      NODE_ENV: 'production',
      PORTAL_PORT: String(portalPort),
      PORTAL_GATEWAY_URL: gatewayUrl,
      PORTAL_REDIS_URL: redis.url,
    });
    await waitFor(async () => (await fetch(`${gatewayUrl}/readyz`)).status === 200, {
      timeoutMs: 90_000,
      what: `the image's gateway ready\n${gateway.output()}`,
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all([stop(gateway), stop(worker), stop(portal)]);
    if (province) await new Promise((resolve) => province.close(resolve));
    await redis?.stop();
    for (const dir of [root, redisDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('parses a runtime stage that runs the gateway and copies the build output', () => {
    expect(stage.cmd).toEqual(['node', 'dist/gateway/main.js']);
    expect(stage.copies).toContainEqual(['/app/dist', './dist']);
  });

  it('serves the operator console its stylesheet and editor script', async () => {
    const css = await fetch(`${gatewayUrl}/console/assets/console.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const script = await fetch(`${gatewayUrl}/console/assets/catalogue-editor.js`);
    expect(script.status).toBe(200);
    const login = await fetch(`${gatewayUrl}/console/sign-in`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('/console/assets/console.css');
  });

  it('serves the API docs and the OpenAPI document', async () => {
    expect((await fetch(`${gatewayUrl}/docs`)).status).toBe(200);
    const openapi = await fetch(`${gatewayUrl}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it('serves the taxpayer portal its login page and assets', async () => {
    const login = await waitFor(
      async () => {
        const res = await fetch(`${portalUrl}/login`);
        return res.status === 200 ? res.text() : '';
      },
      { timeoutMs: 20_000, what: `the image's portal\n${portal!.output()}` },
    );
    expect(login).toContain('企业登录');
    expect((await fetch(`${portalUrl}/assets/portal.css`)).status).toBe(200);
  });

  it('accepts a case that the worker opens with the same development key and delivers to the province', async () => {
    const client = new GatewayClient(gatewayUrl, {
      clientId: 'portal-sc',
      secret: devSecret('portal-sc'),
      signatureMethod: 'HMAC-SHA256',
    });
    const submitted = await client.submitCase(validExample('SW-005'), `image-${Date.now()}`);
    expect(submitted.status).toBe(202);
    await waitFor(() => provinceRequests.length > 0, {
      timeoutMs: 30_000,
      what: `a delivery to the fake 云南 platform\n${worker!.output()}`,
    });
    expect(worker!.output()).not.toMatch(/unreadable|cannot be opened/i);
  });

  it("passes compose's worker healthcheck, and its /metrics counts the 云南 delivery's retry", async () => {
    // The healthcheck's one-liner as docker-compose.yml writes it, run with the image's files.
    const compose = readFileSync(projectPath('docker-compose.yml'), 'utf8');
    const healthcheck = /^\s*- "(fetch\(.*GW_WORKER_METRICS_PORT.*)"$/m.exec(compose)?.[1];
    expect(healthcheck).toBeDefined();
    const check = run(root, ['-e', healthcheck!], {
      GW_WORKER_METRICS_PORT: String(workerOpsPort),
    });
    expect(await new Promise((resolve) => check.child.once('exit', resolve))).toBe(0);
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${workerOpsPort}/metrics`)).text();
        return /gw_deliveries_total\{adapter="yn",outcome="retry"\} [1-9]/.test(text) && text;
      },
      { what: "the worker's retry counted" },
    );
    expect(metrics).toContain('gw_province_request_duration_seconds_count{adapter="yn"}');
  });

  it('writes only into the folders the image gives to the node user', () => {
    const written = files(root).filter((file) => !before.has(file));
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) {
      expect(
        stage.nodeOwned.some((folder) =>
          file.startsWith(`${relative(root, inImage(root, folder))}/`),
        ),
        file,
      ).toBe(true);
    }
    expect(existsSync(join(root, '.data', 'data-keys'))).toBe(true);
  });

  // As the container's PID 1 a process has no default SIGTERM action: without its own handler,
  // `docker stop` would wait out its grace period and kill it mid-work.
  it('stops the gateway, the worker and the portal on SIGTERM with exit code 0', async () => {
    expect(await Promise.all([stop(gateway), stop(worker), stop(portal)])).toEqual([0, 0, 0]);
  });
});
