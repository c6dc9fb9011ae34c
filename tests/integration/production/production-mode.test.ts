// Defect 10 of issue 12: the gateway as it runs with GW_ENV=production (a production clients
// file, secrets from the environment) refuses callbacks to internal addresses, routes each path
// in one spelling only, and never shows a stack or an internal message in an error
// (README.md#production-mode).
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '../../../gateway/client/gateway-client.ts';
import { sha256Hex } from '../../../gateway/shared/canonical-json.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { runCli } from '../../support/cli-run.ts';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.ts';
import { productionClients } from './production-clients.ts';

const clients = productionClients();
let gw: ApiGateway;
let portal: GatewayClient;
let operator: GatewayClient;
beforeAll(async () => {
  // loadClientRegistry reads secretEnv from the process environment, as in production.
  Object.assign(process.env, clients.env);
  gw = await startApiGateway({ GW_ENV: 'production', GW_CLIENTS_FILE: clients.file });
  portal = new GatewayClient(gw.url, {
    clientId: 'portal-sc',
    secret: clients.secrets['portal-sc']!,
  });
  operator = new GatewayClient(gw.url, {
    clientId: 'operator-ops',
    secret: clients.secrets['operator-ops']!,
  });
});
afterAll(async () => gw.close());

// What must never reach a client: stack frames, source paths, exception names and messages.
const INTERNAL =
  /\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node:internal|node_modules|\/work\/|SyntaxError|TypeError|ReferenceError|Unexpected token|ECONNREFUSED|ioredis|stack/;

let n = 0;
const key = () => `prod-${Date.now()}-${n++}`;

describe('production mode: callback URLs', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'https://10.1.2.3/callback',
    'https://172.16.0.1/callback',
    'https://192.168.1.10/callback',
    'https://127.0.0.1/callback',
    'https://127.1/callback',
    'https://2130706433/callback',
    'https://0x7f.0.0.1/callback',
    'https://0.0.0.0/callback',
    'https://100.64.0.1/callback',
    'https://[::1]/callback',
    'https://[::]/callback',
    'https://[fd00::1]/callback',
    'https://[fc00::1]/callback',
    'https://[fe80::1]/callback',
    'https://[febf::1]/callback',
    'https://[::ffff:127.0.0.1]/callback',
    'https://[::ffff:10.0.0.1]/callback',
    'https://localhost/callback',
    'https://LOCALHOST/callback',
    'https://localhost./callback',
    'https://portal.localhost/callback',
    'https://metadata.google.internal/callback',
    'https://intranet/callback',
    'https://[2001:db8::1]/callback',
    'https://[64:ff9b::a00:1]/callback',
    'https://224.0.0.1/callback',
    'https://255.255.255.255/callback',
    'http://portal.example.cn/callback',
    'https://user:secret@portal.example.cn/callback',
  ])('refuses callbackUrl %s with 422 at /callbackUrl, storing nothing', async (callbackUrl) => {
    const before = (await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length;
    const res = await portal.submitCase<{ code: string; errors: { path: string }[] }>(
      { ...validExample('SW-005'), callbackUrl },
      key(),
    );
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.errors.map((e) => e.path)).toEqual(['/callbackUrl']);
    expect((await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length).toBe(
      before,
    );
  });

  it('accepts an https callback to a public host name', async () => {
    const res = await portal.submitCase(
      { ...validExample('SW-005'), callbackUrl: 'https://portal.example.cn/swgw/callback' },
      key(),
    );
    expect(res.status).toBe(202);
  });
});

describe('production mode: one spelling per path', () => {
  it.each([
    ['GET', '/V1/catalogue/items'],
    ['GET', '/v1/Catalogue/items'],
    ['GET', '/v1/catalogue/ITEMS'],
    ['GET', '/v1/catalogue/items/'],
    ['GET', '/v1/divisions/530323/'],
    ['GET', '/V1/divisions/530323'],
    ['GET', '/v1/DIVISIONS/530323'],
    ['GET', '/HEALTHZ'],
    ['GET', '/healthz/'],
  ])('does not route %s %s (signed: 404 GW_ROUTE_NOT_FOUND)', async (method, path) => {
    const signed = await portal.request<{ code: string }>(method, path);
    expect(signed.status).toBe(404);
    expect(signed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(signed.body.code).toBe('GW_ROUTE_NOT_FOUND');
  });

  it('answers /V1/… unsigned with 404 too: the /v1 authentication does not even see it', async () => {
    for (const path of ['/V1/catalogue/items', '/V1/cases', '/HEALTHZ']) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('GW_ROUTE_NOT_FOUND');
    }
  });

  it.each(['/V1/cases', '/v1/Cases', '/v1/CASES', '/v1/cases/'])(
    'does not route a submission to %s, and stores nothing',
    async (path) => {
      const before = (await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length;
      const res = await portal.request<{ code: string }>('POST', path, {
        json: validExample('SW-005'),
        headers: { 'Idempotency-Key': key() },
      });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('GW_ROUTE_NOT_FOUND');
      expect((await gw.services.redis.keys(`${gw.config.keyPrefix}:{s*}:case:*`)).length).toBe(
        before,
      );
    },
  );

  it('routes the canonical spellings', async () => {
    expect((await portal.request('GET', '/v1/catalogue/items')).status).toBe(200);
    expect((await portal.request('GET', '/v1/divisions/530323')).status).toBe(200);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

describe('production mode: no internal detail in any error', () => {
  it('answers a case whose stored history is corrupt with a bare 500 GW_INTERNAL, logged with its request id', async () => {
    const accepted = await portal.submitCase<{ caseId: string }>(validExample('SW-005'), key());
    expect(accepted.status).toBe(202);
    await gw.services.redis.rpush(
      redisKeys(gw.config.keyPrefix).history(accepted.body.caseId),
      '{"at": not json',
    );
    const res = await portal.getCase(accepted.body.caseId);
    expect(res.status).toBe(500);
    const text = JSON.stringify(res.body);
    expect(Object.keys(res.body as object).sort()).toEqual([
      'code',
      'requestId',
      'status',
      'title',
      'type',
    ]);
    expect(text).not.toMatch(INTERNAL);
    const requestId = res.headers.get('x-request-id');
    const logged = gw
      .logLines()
      .find((l) => l.requestId === requestId && l.msg === 'unhandled error');
    expect(logged).toBeDefined();
  });

  it('answers a corrupt idempotency record with a bare 500, not the parser message', async () => {
    const idempotencyKey = key();
    await gw.services.redis.set(
      redisKeys(gw.config.keyPrefix).idempotency('portal-sc', sha256Hex(idempotencyKey)),
      'garbage',
    );
    const res = await portal.submitCase(validExample('SW-005'), idempotencyKey);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(INTERNAL);
    expect((res.body as { detail?: string }).detail).toBeUndefined();
  });

  it('shows nothing internal in any 4xx either', async () => {
    const answers = [
      await portal.request('GET', '/v1/cases/%zz'),
      await portal.request('GET', '/v1/divisions/%'),
      await operator.request('GET', '/v1/cases/01JZZZZZZZZZZZZZZZZZZZZZZZ'),
      await portal.request('POST', '/v1/cases', { json: { itemCode: 5 } }),
      await fetch(`${gw.url}/v1/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: 'not gzip',
      }),
    ];
    for (const res of answers) {
      const text = res instanceof Response ? await res.text() : JSON.stringify(res.body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(text).not.toMatch(INTERNAL);
    }
  });
});

describe('the smoke check after a deploy (npm run cli -- smoke)', () => {
  /** The CLI as an operator runs it against this production gateway, signing as portal-sc. */
  function smoke(secret: string, args: string[] = []) {
    return runCli(['smoke', ...args], {
      GW_ENV: 'production',
      GW_CLI_GATEWAY: gw.url,
      GW_CLI_CLIENT: 'portal-sc',
      GW_CLI_CLIENT_SECRET: secret,
    });
  }

  it('with the client secret from GW_CLI_CLIENT_SECRET: one ok line per check, the catalogue revision, exit 0', async () => {
    const run = await smoke(clients.secrets['portal-sc']!);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((line) => line.slice(0, 24).trimEnd())).toEqual([
      'ok    reachable',
      'ok    ready',
      'ok    signature accepted',
      'ok    clock skew',
      'ok    catalogue version',
    ]);
    const revision = gw.services.catalogue.status().revision;
    expect(lines[4]).toMatch(new RegExp(`revision ${revision}, [1-9]\\d* items$`));
    expect(run.stdout).not.toContain(clients.secrets['portal-sc']!);
  });

  it('with a wrong secret: the signature line refused with GW_AUTH_BAD_SIGNATURE, exit 1', async () => {
    const run = await smoke('a-wrong-secret-of-thirty-two-characters');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ok {4}reachable/m);
    expect(run.stdout).toMatch(
      /^FAIL {2}signature accepted {2}GET \/v1\/catalogue\/items signed as portal-sc: 401 GW_AUTH_BAD_SIGNATURE: .*the secret of portal-sc differs from the gateway's — check GW_CLI_CLIENT_SECRET/m,
    );
    expect(run.stdout).toMatch(/^skip {2}catalogue version/m);
    expect(run.stderr.trim()).toBe(`smoke check of ${gw.url} failed: signature accepted`);
  });

  it('refuses the secret as a flag (it would stay in the shell history), exit 1', async () => {
    const run = await smoke(clients.secrets['portal-sc']!, [
      '--secret',
      clients.secrets['portal-sc']!,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/reads the client's secret from GW_CLI_CLIENT_SECRET only/);
  });
});

describe('no internal detail from a route that throws (a test-only app built by buildApp)', () => {
  let app: TestGateway;
  const SECRET = 'secret-internal-detail /srv/swgw/gateway/cases/store.ts:42';
  beforeAll(async () => {
    const router = Router();
    router.get('/throws', () => {
      throw new Error(SECRET);
    });
    router.get('/type-error', (req) => {
      (req as unknown as { nothing: { here: () => void } }).nothing.here();
    });
    router.get('/rejects', async () => {
      await Promise.reject(new Error(SECRET));
    });
    // A library may reject with a bare string; the problem mapper must cope with that too.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    router.get('/rejects-string', () => Promise.reject(SECRET));
    router.get('/exposed-500', () => {
      throw Object.assign(new Error(SECRET), { status: 500, expose: true });
    });
    router.get('/client-error-message', () => {
      throw Object.assign(new Error(SECRET), { status: 400, expose: true });
    });
    router.get('/after-headers', (_req, res) => {
      res.write('partial');
      throw new Error(SECRET);
    });
    app = await startTestGateway({ routers: [router] });
  });
  afterAll(async () => app.close());

  it.each([
    ['/throws', 500, 'GW_INTERNAL'],
    ['/type-error', 500, 'GW_INTERNAL'],
    ['/rejects', 500, 'GW_INTERNAL'],
    ['/rejects-string', 500, 'GW_INTERNAL'],
    ['/exposed-500', 500, 'GW_INTERNAL'],
    ['/client-error-message', 400, 'GW_BAD_REQUEST'],
  ])('answers GET %s with %i %s and nothing of the error', async (path, status, code) => {
    const res = await fetch(`${app.url}${path}`);
    const text = await res.text();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text)).toMatchObject({ code, status });
    expect(text).not.toContain('secret');
    expect(text).not.toMatch(INTERNAL);
  });

  it('cuts the connection when a route fails after its headers went out', async () => {
    const res = await fetch(`${app.url}/after-headers`).then(
      async (r) => ({ status: r.status, text: await r.text().catch(() => 'cut') }),
      () => ({ status: 0, text: 'cut' }),
    );
    expect(res.text).not.toContain('secret');
    expect(res.text === 'cut' || res.text === 'partial').toBe(true);
  });
});
