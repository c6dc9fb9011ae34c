// A bulk replay of the dead letters a province refused, asked for from the console
// (gateway/console/README.md#pages): the console offers none, and a typed or forged one is answered
// as POST /v1/admin/dead-letters/replay answers it — 422 GW_BULK_REPLAY_REFUSED at /kind, nothing
// replayed, audited alike — after the replay right is checked, as the API checks it first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { ConsoleClient } from '../../support/console-client.ts';

const REFUSED = 'refused: RETCODE -102 字段校验不通过';
let gw: ApiGateway;
let dev: ConsoleClient;
let readonly: ConsoleClient;
const letters: string[] = [];

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  for (let i = 0; i < 3; i++) {
    const record = await submitDeadLetter(gw, 'SW-005', REFUSED, `bulk-refused-${i}-${Date.now()}`);
    letters.push(record.id);
  }
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const bulkEntries = async (actor: string) =>
  (await gw.services.audit.page({ action: 'dead-letter.replay-bulk', actor, limit: 50 })).items.map(
    ({ action, target, outcome, reason }) => ({ action, target, outcome, reason }),
  );

async function stillDead(): Promise<void> {
  for (const id of letters)
    expect((await gw.services.store.get(id))?.status).toBe('DELIVERY_FAILED');
}

describe('a bulk replay of refused dead letters from the console', () => {
  it('answers its confirmation page with 422 GW_BULK_REPLAY_REFUSED at /kind, in Chinese and English', async () => {
    const res = await dev.get('/console/dead-letters/replay?adapter=yn&kind=refused');
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-status="422"');
    expect(res.text).toContain('<code>GW_BULK_REPLAY_REFUSED</code>');
    expect(res.text).toContain('data-field="/kind"');
    expect(res.text).toContain('省级平台拒收的办件须逐件核对后重放');
    expect(res.text).toContain('refused cases are replayed one by one, after checking');
    expect(res.text).not.toContain('id="bulk-replay-form"');
  });

  it('answers a forged batch with 422 as the API does, replays none, and audits it as the API’s own', async () => {
    const res = await dev.post('/console/dead-letters/replay', {
      _csrf: await dev.csrf(),
      adapter: 'yn',
      kind: 'refused',
      batch: 'forged-batch-id-000000',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<code>GW_BULK_REPLAY_REFUSED</code>');
    expect(res.text).toContain('data-field="/kind"');
    await stillDead();
    const api = await gw
      .client('operator-dev-2')
      .request<{ code: string; errors: { path: string }[] }>(
        'POST',
        '/v1/admin/dead-letters/replay',
        { json: { adapter: 'yn', kind: 'refused' } },
      );
    expect(api.status).toBe(422);
    expect(api.body.code).toBe('GW_BULK_REPLAY_REFUSED');
    expect(api.body.errors.map((e) => e.path)).toEqual(['/kind']);
    await stillDead();
    const fromConsole = await bulkEntries('operator-dev');
    expect(fromConsole).toHaveLength(1);
    expect(fromConsole[0]).toMatchObject({ outcome: 'failed', target: 'yn:refused' });
    expect(fromConsole[0]!.reason).toMatch(/^GW_BULK_REPLAY_REFUSED/);
    expect(fromConsole).toEqual(await bulkEntries('operator-dev-2'));
  });

  it('refuses an operator without replay first, with the 403 page audited as refused, whatever the kind', async () => {
    const token = await readonly.csrf();
    const form = await readonly.post('/console/dead-letters/replay', {
      _csrf: token,
      adapter: 'yn',
      kind: 'refused',
    });
    expect(form.status).toBe(403);
    const confirm = await readonly.get('/console/dead-letters/replay?adapter=yn&kind=refused');
    expect(confirm.status).toBe(403);
    expect((await bulkEntries('operator-readonly')).map((e) => e.outcome)).toEqual([
      'refused',
      'refused',
    ]);
    await stillDead();
  });
});
