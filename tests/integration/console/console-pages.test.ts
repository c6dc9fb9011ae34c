// The console's pages over HTTP (gateway/console/README.md#pages): each answers for a signed-in
// operator; a read-only operator sees no replay, unmask or audit and is refused them, audited, when
// the request is sent anyway; junk in any form or query never gets a 500.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDeliveryFailed } from '../../../gateway/cases/record-delivery.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { paidResult } from '../../support/payment-results.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
let readonly: ConsoleClient;
let caseId: string;

beforeAll(async () => {
  gw = await startApiGateway({
    GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    // Not BullMQ's default stream length (10 000), so a queue built without our cap shows.
    GW_JOB_RETENTION_COUNT: '250',
  });
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `console-${Date.now()}`);
  caseId = res.body.caseId;
  const record = await gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error('not a single case');
  await recordDeliveryFailed(gw.services.store, record, {
    adapterId: 'yn',
    reason: 'refused: -102',
  });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const PAGES = [
  '/console/',
  '/console/cases',
  '/console/board',
  '/console/board/list?kind=case&state=open',
  '/console/board/rectifications',
  '/console/dead-letters',
];

describe('console pages', () => {
  it('answer 200 with the layout for a signed-in operator', async () => {
    for (const path of [
      ...PAGES,
      `/console/cases/${caseId}`,
      `/console/dead-letters/${caseId}`,
      '/console/audit',
    ]) {
      const res = await dev.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain('id="operator-id">operator-dev<');
    }
  });

  it('mask the case’s personal fields until an operator with unmask gives a reason, audited', async () => {
    const applicant = validExample('SW-005').applicant as {
      contactIdNumber?: string;
      phone?: string;
    };
    const secret = applicant.phone ?? applicant.contactIdNumber!;
    const masked = await dev.get(`/console/cases/${caseId}`);
    expect(masked.text).not.toContain(secret);
    const csrf = ConsoleClient.csrfOf(masked.text);
    const noReason = await dev.post(`/console/cases/${caseId}/unmask`, {
      _csrf: csrf,
      reason: ' ',
    });
    expect(noReason.status).toBe(400);
    const unmasked = await dev.postThenGet(`/console/cases/${caseId}/unmask`, {
      _csrf: csrf,
      reason: '核实申请人身份',
    });
    expect(unmasked.status).toBe(200);
    expect(unmasked.text).toContain(secret);
    const entries = (await gw.services.audit.page({ action: 'case.read-unmasked', limit: 50 }))
      .items;
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        target: caseId,
        outcome: 'ok',
        reason: '核实申请人身份',
      }),
    );
  });

  it('lead from a case’s page to who did what to that case: its unmasked reading, named in Chinese, with the reason', async () => {
    const page = await dev.get(`/console/cases/${caseId}`);
    await dev.postThenGet(`/console/cases/${caseId}/unmask`, {
      _csrf: ConsoleClient.csrfOf(page.text),
      reason: '核对联系电话 工单 2291',
    });
    const href = /id="case-audit" href="([^"]+)"/.exec(page.text)?.[1];
    expect(href).toBe(`/console/audit?target=${caseId}`);
    const audit = await dev.get(href!);
    const rows = [
      ...audit.text.matchAll(/<tr data-seq="\d+" data-action="([^"]+)"[\s\S]*?<\/tr>/g),
    ];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[0].includes(caseId))).toBe(true);
    const unmasked = rows.find((r) => r[0].includes('核对联系电话 工单 2291'))?.[0];
    expect(unmasked).toContain('查看办件个人信息');
    expect(unmasked).toContain('operator-dev');
    expect((await readonly.get(`/console/cases/${caseId}`)).text).not.toContain('id="case-audit"');
  });

  it('show a decided case’s result, sealed at rest, with its bank account masked until unmasked', async () => {
    const submitted = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `console-result-${Date.now()}`);
    const decidedId = submitted.body.caseId;
    const paid = paidResult();
    const account = (paid.account as { accountNo: string }).accountNo;
    const event = await gw.client('province-yn').request('POST', `/v1/cases/${decidedId}/events`, {
      json: { type: 'decided', at: new Date().toISOString(), result: paid },
    });
    expect(event.status).toBe(200);
    const masked = await dev.get(`/console/cases/${decidedId}`);
    expect(masked.status).toBe(200);
    expect(masked.text).toContain(String(paid.taxVoucherNo));
    expect(masked.text).toContain(`${'*'.repeat(account.length - 4)}${account.slice(-4)}`);
    expect(masked.text).not.toContain(account);
    const unmasked = await dev.postThenGet(`/console/cases/${decidedId}/unmask`, {
      _csrf: ConsoleClient.csrfOf(masked.text),
      reason: '核对扣款账户',
    });
    expect(unmasked.status).toBe(200);
    expect(unmasked.text).toContain(account);
  });

  it('show a read-only operator no replay, unmask or audit, and refuse them when sent anyway, audited', async () => {
    const casePage = await readonly.get(`/console/cases/${caseId}`);
    expect(casePage.status).toBe(200);
    expect(casePage.text).not.toContain('id="unmask-form"');
    expect(casePage.text).not.toContain('data-nav="audit"');
    const dead = await readonly.get(`/console/dead-letters/${caseId}`);
    expect(dead.text).not.toContain('id="replay-start"');
    const csrf = ConsoleClient.csrfOf(casePage.text);
    const unmask = await readonly.post(`/console/cases/${caseId}/unmask`, {
      _csrf: csrf,
      reason: 'curious',
    });
    expect(unmask.status).toBe(403);
    const replay = await readonly.post(`/console/dead-letters/${caseId}/replay`, { _csrf: csrf });
    expect(replay.status).toBe(403);
    expect((await readonly.get('/console/audit')).status).toBe(403);
    expect((await gw.services.store.get(caseId))?.status).toBe('DELIVERY_FAILED');
    const refused = (
      await gw.services.audit.page({ actor: 'operator-readonly', outcome: 'refused', limit: 50 })
    ).items;
    expect(refused.map((e) => e.action)).toEqual(
      expect.arrayContaining(['case.read-unmasked', 'dead-letter.replay', 'audit.read']),
    );
  });

  it('serve Bull Board read-only to an operator without replay, and refuse its changes, audited', async () => {
    const page = await readonly.get('/console/queues/');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('fonts.googleapis.com');
    const change = '/console/queues/api/queues/route-yn/retry/failed';
    const refused = await readonly.request('PUT', change, { headers: { origin: gw.url } });
    expect(refused.status).toBe(403);
    const entries = (await gw.services.audit.page({ action: 'queue.put', limit: 50 })).items;
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
    );
    // From another origin, or naming none, not even an operator holding replay may change it.
    expect(
      (await dev.request('PUT', change, { headers: { origin: 'https://evil.example' } })).status,
    ).toBe(403);
    expect((await dev.request('PUT', change)).status).toBe(403);
    expect((await dev.request('PUT', change, { headers: { origin: gw.url } })).status).toBe(200);
  });

  it('audit each Bull Board change with how Bull Board answered it: a retry of a job that does not exist as failed with its reason, a pause as ok', async () => {
    const put = (path: string) =>
      dev.request('PUT', `/console/queues/api/queues/route-yn/${path}`, {
        headers: { origin: gw.url },
      });
    const entriesFor = async (path: string) =>
      (await gw.services.audit.page({ action: 'queue.put', limit: 1000 })).items
        .filter((e) => e.target === `/api/queues/route-yn/${path}`)
        .map(({ actor, outcome, reason }) => ({ actor, outcome, reason }));

    expect((await put('no-such-job/retry')).status).toBe(404);
    expect(await entriesFor('no-such-job/retry')).toEqual([
      {
        actor: 'operator-dev',
        outcome: 'failed',
        reason: 'Bull Board answered 404 ERRORS.JOB_NOT_FOUND',
      },
    ]);
    for (const path of ['pause', 'resume']) {
      expect((await put(path)).status, path).toBe(200);
      expect(await entriesFor(path), path).toEqual([
        { actor: 'operator-dev', outcome: 'ok', reason: undefined },
      ]);
    }
  });

  it('keep every queue shown by Bull Board at the configured event-stream length', async () => {
    expect((await dev.get('/console/queues/')).status).toBe(200);
    const metas = await gw.services.redis.keys(`${gw.config.keyPrefix}:bull:*:meta`);
    expect(metas.some((k) => k.includes('callbacks'))).toBe(true);
    for (const meta of metas) {
      expect(await gw.services.redis.hget(meta, 'opts.maxLenEvents'), meta).toBe(
        String(gw.config.jobRetentionCount),
      );
    }
  });

  it('answer a case id that does not exist, and an unknown page, with a 404 page', async () => {
    expect((await dev.get('/console/cases/01JZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    expect((await dev.get('/console/cases/not-a-case')).status).toBe(404);
    const unknown = await dev.get('/console/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('未找到');
  });
});

describe('console forms and queries under junk', () => {
  const paths = [
    '/console/sign-in',
    '/console/sign-out',
    `/console/cases/${caseId}/unmask`,
    '/console/cases/01JZZZZZZZZZZZZZZZZZZZZZZZ/unmask',
    `/console/dead-letters/${caseId}/replay`,
    '/console/dead-letters/x/replay',
    '/console/audit',
    '/console/board/list',
    '/console/board/rectifications',
    '/console/board/rectifications/RC5301JZZZZZZZZZZZZZZZZZZZZZ/unmask',
    '/console/dead-letters/replay',
    '/console/cases',
    '/console/nothing',
  ];
  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', '%', '%E0%A4%A', '[]', '__proto__', 'constructor', '0'.repeat(600)),
  );

  it('never answers 5xx to a junk form, with or without the right token', async () => {
    const token = await readonly.csrf();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(
          fc.constantFrom('_csrf', 'reason', 'operator', 'password', 'next', 'x', '__proto__'),
          junk,
        ),
        fc.boolean(),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=latin1',
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
        ),
        async (path, form, withToken, type) => {
          const fields = withToken ? { ...form, _csrf: token } : form;
          const res = await readonly.request('POST', path, {
            body: new URLSearchParams(fields).toString(),
            headers: { 'content-type': type },
          });
          expect(res.status, `${path} ${type}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never answers 5xx to junk queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths, '/console/cases/', '/console/dead-letters/'),
        fc.dictionary(
          fc.constantFrom(
            'caseId',
            'kind',
            'state',
            'province',
            'itemCode',
            'status',
            'cursor',
            'actor',
            'action',
            'outcome',
            'after',
            'before',
            'adapter',
            'next',
            'expired',
          ),
          junk,
        ),
        async (path, query) => {
          const res = await dev.get(`${path}?${new URLSearchParams(query).toString()}`);
          expect(res.status, path).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a form over 32 KiB with 413, not a 500', async () => {
    const res = await dev.post('/console/cases', {
      _csrf: await dev.csrf(),
      reason: 'x'.repeat(40_000),
    });
    expect(res.status).toBe(413);
  });
});
