// Failed portal callbacks replayed by the admin API and the operator CLI
// (gateway/README.md#failed-callbacks): listed with the case, the portal, the host, the last error
// (masked), when and the attempts made; replayed one by one or all, audited, only with the
// `replay` right; a replayed callback has its 8 attempts again. Real Redis, the real callback
// worker, and a portal receiver (a local HTTP server) that refuses until told to accept. The
// backoff between attempts is skipped by promoting the delayed job (BullMQ's own move), so a
// callback spends its 8 attempts in a moment.
import { createServer, type Server } from 'node:http';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../gateway/audit/audit-log.ts';
import type { CallbackJobData } from '../../gateway/callbacks/callback-queue.ts';
import { CALLBACK_QUEUE, redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { runCli, type CliRun } from '../support/cli-run.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { waitFor } from '../support/redis.ts';

let gw: ApiGateway;
let gateway: GatewayProcess;
let worker: TestCallbackWorker;
let queue: Queue<CallbackJobData>;
let receiver: Server;
let hook: string;
/** The portal refuses (503) until this is true. */
let accepting = false;
/** Every post the portal saw, by case id: what it answered. */
const posts = new Map<string, number[]>();

beforeAll(async () => {
  gw = await startApiGateway();
  gateway = await startGatewayProcess(gw.config.keyPrefix);
  queue = new Queue(CALLBACK_QUEUE, {
    connection: gw.services.redis,
    prefix: redisKeys(gw.config.keyPrefix).queuePrefix(CALLBACK_QUEUE),
  });
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const { caseId } = JSON.parse(raw) as { caseId: string };
      const status = accepting ? 204 : 503;
      posts.set(caseId, [...(posts.get(caseId) ?? []), status]);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // A token in the query: a listing names the host only.
  hook = `http://127.0.0.1:${port}/hooks/swgw?token=6222021234567890123`;
  worker = startGatewayCallbackWorker(gw);
}, 90_000);

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await gateway?.stop();
  await gw?.close();
  receiver?.close();
});

async function state(id: string): Promise<string> {
  const job = await Job.fromId(queue, id);
  return job ? job.getState() : 'missing';
}

/**
 * Runs the callback until it reaches `until`: each time its retry waits in the delayed set it is
 * promoted, so the backoff is skipped and nothing else about the attempts changes.
 */
async function runUntil(id: string, until: 'failed' | 'completed'): Promise<void> {
  await waitFor(
    async () => {
      const now = await state(id);
      if (now === 'delayed') await (await Job.fromId(queue, id))?.promote();
      return now === until;
    },
    { timeoutMs: 30_000, what: `callback ${id} ${until}` },
  );
}

/** A case whose ROUTED callback spent its attempts on a refusing portal; its job id. */
async function failedCallback(): Promise<{ caseId: string; id: string }> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(
      { ...validExample('SW-005'), callbackUrl: hook },
      `failed-callback-${Date.now()}-${Math.random()}`,
    );
  expect(res.status).toBe(202);
  const { caseId } = res.body;
  const id = `status-${caseId}-ROUTED`;
  await waitFor(async () => (await state(id)) !== 'missing', { what: `callback ${id} queued` });
  await runUntil(id, 'failed');
  return { caseId, id };
}

interface Listed {
  id: string;
  caseId: string;
  portal: string;
  type: string;
  status?: string;
  host?: string;
  failedAt: string;
  attempts: number;
  lastError: string;
}

async function listed(): Promise<Listed[]> {
  const res = await gw
    .client('operator-readonly')
    .request<{ items: Listed[]; nextCursor: string | null }>(
      'GET',
      '/v1/admin/failed-callbacks?limit=200',
    );
  expect(res.status).toBe(200);
  return res.body.items;
}

async function auditEntries(): Promise<AuditEntry[]> {
  return (await gw.services.audit.page({ limit: 200 })).items;
}

function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, { GW_CLI_GATEWAY: gateway.url, ...env });
}

describe('failed portal callbacks over the admin API', () => {
  it('lists a callback that spent its 8 attempts: case, portal, host (no path or query), when, attempts, last error', async () => {
    accepting = false;
    const { caseId, id } = await failedCallback();
    const item = (await listed()).find((c) => c.id === id);
    expect(item).toMatchObject({
      caseId,
      portal: 'portal-sc',
      type: 'status',
      status: 'ROUTED',
      host: new URL(hook).host,
      attempts: 8,
      lastError: 'portal answered 503',
    });
    expect(Date.parse(item!.failedAt)).not.toBeNaN();
    expect(JSON.stringify(item)).not.toContain('token');
    expect(posts.get(caseId)).toEqual(Array(8).fill(503));
  });

  it('pages by cursor, each failed callback once', async () => {
    accepting = false;
    await failedCallback();
    await failedCallback();
    const all = (await listed()).map((c) => c.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Listed[]; nextCursor: string | null } } = await gw
        .client('operator-dev')
        .request('GET', `/v1/admin/failed-callbacks?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((c) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a replay without the replay right, audited as callback.replay refused', async () => {
    accepting = false;
    const { id } = await failedCallback();
    const res = await gw
      .client('operator-readonly')
      .request('POST', `/v1/admin/failed-callbacks/${id}/replay`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'GW_FORBIDDEN' });
    expect(await state(id)).toBe('failed');
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({
        actor: 'operator-readonly',
        action: 'callback.replay',
        target: id,
        outcome: 'refused',
      }),
    );
  });

  it('replays one with its full attempts: a still-refusing portal gets retried with backoff, not failed after one post, then delivered', async () => {
    accepting = false;
    const { caseId, id } = await failedCallback();
    const res = await gw
      .client('operator-dev')
      .request('POST', `/v1/admin/failed-callbacks/${id}/replay`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, caseId, attempts: 8 });
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'callback.replay',
        target: id,
        outcome: 'ok',
      }),
    );
    // The portal still refuses: the replayed callback's first post fails and it waits to retry.
    await waitFor(async () => (await state(id)) === 'delayed', {
      what: `replayed callback ${id} waiting for its second attempt`,
    });
    expect((await Job.fromId(queue, id))?.attemptsMade).toBe(1);
    expect((await listed()).map((c) => c.id)).not.toContain(id);
    accepting = true;
    await runUntil(id, 'completed');
    expect(posts.get(caseId)).toEqual([...Array(9).fill(503), 204]);
  });

  it("names the replay in the console's audit page, whose action filter offers it", async () => {
    accepting = false;
    const { id } = await failedCallback();
    const res = await gw
      .client('operator-dev')
      .request('POST', `/v1/admin/failed-callbacks/${id}/replay`);
    expect(res.status).toBe(200);
    const dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
    const audit = await dev.get(`/console/audit?target=${id}`);
    const rows = [...audit.text.matchAll(/<tr data-seq="\d+" data-action="([^"]+)"/g)];
    expect(rows.map((r) => r[1])).toEqual(['callback.replay']);
    expect(audit.text).toContain('重放门户回调');
    expect(audit.text).toContain('<option value="callback.replay">');
    expect(audit.text).toContain('<option value="callback.replay-bulk">');
  });

  it('answers 409 GW_ILLEGAL_TRANSITION for a callback that is not failed, and 404 for none', async () => {
    accepting = true;
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(
        { ...validExample('SW-005'), callbackUrl: hook },
        `delivered-callback-${Date.now()}`,
      );
    const id = `status-${res.body.caseId}-ROUTED`;
    await runUntil(id, 'completed');
    const operator = gw.client('operator-dev');
    const again = await operator.request('POST', `/v1/admin/failed-callbacks/${id}/replay`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'GW_ILLEGAL_TRANSITION' });
    const none = await operator.request('POST', '/v1/admin/failed-callbacks/status-none-1/replay');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'GW_NOT_FOUND' });
  });
});

describe("the console queue board's Retry of failed callbacks", () => {
  const put = async (path: string) => {
    const dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
    return dev.request('PUT', `/console/queues/api/queues/callbacks/${path}`, {
      headers: { origin: gw.url },
    });
  };

  it('replays one with its 8 attempts (not the one Bull Board gives), audited as callback.replay', async () => {
    accepting = false;
    const { id } = await failedCallback();
    expect((await put(`${id}/retry`)).status).toBe(204);
    // Still refused: a second attempt waits its backoff, where Bull Board's retry failed it again.
    await waitFor(async () => (await state(id)) === 'delayed', {
      what: `callback ${id} retried from the board waiting for its second attempt`,
    });
    const entries = await auditEntries();
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', action: 'callback.replay', target: id }),
    );
    expect(entries.filter((e) => e.action === 'queue.put' && e.target.includes(id))).toEqual([]);
    accepting = true;
    await runUntil(id, 'completed');
  });

  it('replays every failed one on Retry all, each with its 8 attempts', async () => {
    accepting = false;
    const first = await failedCallback();
    const second = await failedCallback();
    const res = await put('retry/failed');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ skipped: 0 });
    for (const { id } of [first, second]) {
      await waitFor(async () => (await state(id)) === 'delayed', {
        what: `callback ${id} waiting for its second attempt`,
      });
    }
    accepting = true;
    for (const { id } of [first, second]) await runUntil(id, 'completed');
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({ action: 'callback.replay-bulk', outcome: 'ok' }),
    );
  });
});

describe('bad input to the failed-callback routes', () => {
  it('answers a bad bulk body or cursor 4xx with a pointer, never 500', async () => {
    const operator = gw.client('operator-dev');
    const cases: [unknown, string][] = [
      [{}, ''],
      [{ limit: 0 }, '/limit'],
      [{ limit: 201 }, '/limit'],
      [{ limit: 1, failedBefore: 'yesterday' }, '/failedBefore'],
      [{ limit: 1, failedBefore: '2026-12-05 09:00:00Z' }, '/failedBefore'],
      [{ limit: 1, failedBefore: '2026-13-45T09:00:00Z' }, '/failedBefore'],
      [{ limit: 1, other: true }, ''],
    ];
    for (const [body, pointer] of cases) {
      const res = await operator.request<{ errors?: { path: string }[] }>(
        'POST',
        '/v1/admin/failed-callbacks/replay',
        { json: body },
      );
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors?.map((e) => e.path).join(' '), JSON.stringify(body)).toContain(
        pointer,
      );
    }
    const cursor = await operator.request<{ code: string; errors?: { path: string }[] }>(
      'GET',
      '/v1/admin/failed-callbacks?cursor=bm90LWEtY3Vyc29y',
    );
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ code: 'GW_INVALID_PARAMETER' });
    expect(cursor.body.errors?.[0]?.path).toBe('/query/cursor');
  });
});

describe('failed portal callbacks from the operator CLI', () => {
  it('lists them and replays them all, audited as a batch and one by one, each delivered once the portal accepts', async () => {
    accepting = false;
    const first = await failedCallback();
    const second = await failedCallback();
    const list = await run(['failed-callbacks', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`${first.id}  ${first.caseId}  portal-sc`);
    expect(list.stdout).toContain('attempts 8  portal answered 503');

    accepting = true;
    const outcome = await run(['failed-callbacks', 'replay', '--all']);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/^callbacks: replayed [1-9][0-9]*, skipped 0, remaining 0$/m);
    for (const { caseId, id } of [first, second]) {
      await runUntil(id, 'completed');
      expect(posts.get(caseId)?.at(-1)).toBe(204);
    }
    const entries = await auditEntries();
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        action: 'callback.replay-bulk',
        outcome: 'ok',
      }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ action: 'callback.replay', target: second.id, outcome: 'ok' }),
    );
    expect((await run(['failed-callbacks', 'list'])).stdout.trim()).toBe('no failed callbacks');
  });

  it('refuses a replay without the replay right in one line', async () => {
    const outcome = await run([
      'failed-callbacks',
      'replay',
      'status-none-1',
      '--operator',
      'operator-readonly',
    ]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toMatch(
      /^GW_FORBIDDEN: This operation needs the replay right — operator-readonly may not do this/,
    );
  });
});
