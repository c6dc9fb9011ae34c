// The bulk replay after a province's outage (gateway/README.md#dead-letters): POST
// /v1/admin/dead-letters/replay queues again the oldest dead letters of one adapter and kind,
// each through the audited single replay (its history and audit entries), skips a case another
// operator replayed meanwhile, refuses the province's refusals in bulk (422 at /kind) and an
// operator without `replay` (403, audited); the CLI loops its batches. Real gateway, real worker
// for xz (BullMQ on the test Redis), xz faked at the network with nock: down, then back.
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { startWorkers, type RunningWorkers } from '../../../adapters/worker-process.ts';
import type { RoutedCase } from '../../../gateway/cases/case-record.ts';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { runCli } from '../../support/cli-run.ts';
import { storeDeadLetters } from '../../support/dead-letters.ts';
import { waitFor } from '../../support/redis.ts';

const XZ = 'http://xz.bulk-replay.test';
let xzUp = false;
let gw: ApiGateway;
let workers: RunningWorkers;
let seq = 0;

interface Batch {
  replayed: string[];
  skipped: { caseId: string; code: string }[];
  remaining: number;
}
interface Problem {
  code: string;
  errors?: { path: string }[];
}

async function submit(item: string): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample(item), `bulk-${seq++}-${Date.now()}`);
  expect(res.status).toBe(202);
  return res.body.caseId;
}

const statusOf = async (id: string) => (await gw.services.store.get(id))?.status;

async function caseOnceIn(id: string, status: string): Promise<void> {
  await waitFor(async () => (await statusOf(id)) === status || undefined, {
    timeoutMs: 15_000,
    what: `case ${id} ${status}`,
  });
}

/** A yn (SW-005) dead letter made by the store's own move; yn has no worker here. */
async function ynDeadLetter(reason: string): Promise<string> {
  const id = await submit('SW-005');
  const record = (await gw.services.store.get(id)) as RoutedCase;
  expect(
    (await recordDeliveryFailed(gw.services.store, record, { adapterId: 'yn', reason })).ok,
  ).toBe(true);
  return id;
}

/** A yn letter for storeDeadLetters (SW-005's example, its move made by the store as ynDeadLetter's). */
const ynLetter = (reason: string) => ({ adapter: 'yn', reason });

const bulk = (body: unknown, operator = 'operator-dev') =>
  gw
    .client(operator)
    .request<Batch & Problem>('POST', '/v1/admin/dead-letters/replay', { json: body });

const auditOf = async (action: string) =>
  (await gw.services.audit.page({ action, limit: 200 })).items;

const GAVE_UP = 'gave up after 5 attempts: province unreachable';
const xzDead: string[] = [];
const ynGaveUp: string[] = [];
const ynRefused: string[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  nock(XZ)
    .persist()
    .post(/.*/)
    .reply(() => (xzUp ? [202, { ticket: `XZ-${seq++}` }] : [503, 'busy']));
  gw = await startApiGateway({
    GW_RATE_LIMIT_PER_SECOND: '100000',
    GW_BREAKER_THRESHOLD: '1000',
  });
  const base = withBaseUrls(loadAdapterSettings({ env: 'test' }), { xz: XZ });
  workers = await startWorkers(gw.config, gw.services.logger, {
    adapters: ['xz'],
    adapterSettings: { ...base, xz: { ...base.xz, attempts: 1, backoffMs: 20 } },
  });
  // xz is down: five cases fail for good at their one attempt (reason "gave up after 1 attempts").
  for (let i = 0; i < 5; i++) xzDead.push(await submit('SF-003'));
  for (const id of xzDead) await caseOnceIn(id, 'DELIVERY_FAILED');
  for (let i = 0; i < 3; i++) ynGaveUp.push(await ynDeadLetter(GAVE_UP));
  for (let i = 0; i < 2; i++) ynRefused.push(await ynDeadLetter('refused: RETCODE -102'));
}, 90_000);
afterAll(async () => {
  await workers?.stop();
  await gw?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('the bulk replay of dead letters', () => {
  it('refuses an operator without the replay right with 403, audited, and replays nothing', async () => {
    const res = await bulk({ adapter: 'xz', kind: 'gave-up' }, 'operator-readonly');
    expect([res.status, res.body.code]).toEqual([403, 'GW_FORBIDDEN']);
    expect(await auditOf('dead-letter.replay-bulk')).toContainEqual(
      expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
    );
    for (const id of xzDead) expect(await statusOf(id)).toBe('DELIVERY_FAILED');
  });

  it('refuses the province’s refusals in bulk with 422 GW_BULK_REPLAY_REFUSED at /kind', async () => {
    const res = await bulk({ adapter: 'yn', kind: 'refused' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('GW_BULK_REPLAY_REFUSED');
    expect(res.body.errors?.map((e) => e.path)).toEqual(['/kind']);
    for (const id of ynRefused) expect(await statusOf(id)).toBe('DELIVERY_FAILED');
  });

  it('answers a bad body 4xx with a pointer, never 500', async () => {
    const cases: [unknown, number, string][] = [
      [{ adapter: 'zz', kind: 'gave-up' }, 400, '/adapter'],
      [{ adapter: 'xz', kind: 'refused-by-province' }, 422, '/kind'],
      [{ adapter: 'xz', kind: 'gave-up', limit: 201 }, 422, '/limit'],
      [{ adapter: 'xz', kind: 'gave-up', limit: 0 }, 422, '/limit'],
      [{ kind: 'gave-up' }, 422, ''],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.errors?.map((e) => e.path).join(' '), JSON.stringify(body)).toContain(
        pointer,
      );
    }
  });

  it('replays exactly the xz gave-up letters, oldest first, each audited, and xz delivers them once it answers', async () => {
    xzUp = true;
    const res = await bulk({ adapter: 'xz', kind: 'gave-up' });
    expect(res.status).toBe(200);
    expect(res.body.replayed).toEqual(xzDead);
    expect(res.body).toMatchObject({ skipped: [], remaining: 0 });
    for (const id of xzDead) {
      expect(await auditOf('dead-letter.replay')).toContainEqual(
        expect.objectContaining({ actor: 'operator-dev', target: id, outcome: 'ok' }),
      );
      expect(await gw.services.store.history(id)).toContainEqual(
        expect.objectContaining({ status: 'ROUTED', actor: 'operator-dev' }),
      );
      await caseOnceIn(id, 'DELIVERED');
    }
    expect(await auditOf('dead-letter.replay-bulk')).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        target: 'xz:gave-up',
        outcome: 'ok',
        reason: 'replayed 5, skipped 0, remaining 0',
      }),
    );
    // Other adapters' and kinds' letters stay where they were.
    for (const id of [...ynGaveUp, ...ynRefused])
      expect(await statusOf(id)).toBe('DELIVERY_FAILED');
  });

  it('skips a case another operator replayed while the batch ran, without failing the batch', async () => {
    // One after another, so their order is the order they failed (the batch takes the oldest
    // first); made by the store, as an outage leaves them, not each through a signed submission.
    for (let i = 0; i < 120; i++)
      ynGaveUp.push(...(await storeDeadLetters(gw.services.store, 1, ynLetter(GAVE_UP))));
    const newest = ynGaveUp.at(-1)!;
    const batch = bulk({ adapter: 'yn', kind: 'gave-up', limit: 200 });
    // Once the batch replays its first (oldest) case its list is read: replay its last one now.
    await waitFor(async () => (await statusOf(ynGaveUp[0]!)) === 'ROUTED' || undefined, {
      timeoutMs: 10_000,
      what: 'the batch under way',
    });
    const single = await gw
      .client('operator-dev-2')
      .request('POST', `/v1/admin/dead-letters/${newest}/replay`);
    expect(single.status).toBe(200);
    const res = await batch;
    expect(res.status).toBe(200);
    expect(res.body.skipped).toEqual([{ caseId: newest, code: 'GW_ILLEGAL_TRANSITION' }]);
    expect(res.body.replayed).toEqual(ynGaveUp.slice(0, -1));
    expect(res.body.remaining).toBe(0);
    for (const id of ynRefused) expect(await statusOf(id)).toBe('DELIVERY_FAILED');
  });

  it('replays every letter of an adapter and kind from the CLI, batch after batch, until none remains', async () => {
    const ids = await storeDeadLetters(
      gw.services.store,
      205,
      ynLetter('stored submission unreadable: k0'),
    );
    const out = await runCli(
      ['dead-letters', 'replay', '--adapter', 'yn', '--kind', 'unreadable'],
      {
        GW_CLI_GATEWAY: gw.url,
      },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('yn unreadable: replayed 205, skipped 0, remaining 0');
    for (const id of ids) expect(await statusOf(id)).toBe('ROUTED');
    const batches = (await auditOf('dead-letter.replay-bulk')).filter(
      (e) => e.target === 'yn:unreadable',
    );
    expect(batches.map((e) => e.reason)).toEqual([
      'replayed 200, skipped 0, remaining 5',
      'replayed 5, skipped 0, remaining 0',
    ]);
  });
});
