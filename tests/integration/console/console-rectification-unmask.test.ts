// Unmasking a rectification in the console (gateway/console/README.md#pages): the 差评's comment and
// the clerks' notes carry a phone number; the page shows them masked, and an operator holding
// `unmask` may show them in clear for one reading with a reason — audited as the API's unmasked
// read is (`rectification.read-unmasked`, the reason in the entry). Without the right or without a
// reason, nothing is shown (the right's refusal audited). The CSRF token is requireSignIn's, for
// every console POST alike (console-session.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { evaluate, rectificationEvent } from '../../support/evaluation-flow.ts';

const PHONE = '13812345678';
const VISIT_PHONE = '13998765432';
const REASON = '核实回访记录 工单 4471';
/** The tests of a link opened by the wrong operator or page ask with their own reason. */
const OTHER_REASON = '转交同事核对 工单 4472';
let gw: ApiGateway;
let dev: ConsoleClient;
let readonly: ConsoleClient;
let id = '';

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  const { caseId } = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', caseId, new Date().toISOString());
  const rated = await evaluate(gw, caseId, {
    level: 1,
    rated: 'handling',
    comment: `态度差，回电 ${PHONE}`,
  });
  expect(rated.status).toBe(201);
  id = rated.body.rectification!.id;
  const visited = await rectificationEvent(gw, id, 'visited', `已回访，电话 ${VISIT_PHONE}`);
  expect(visited.status).toBe(200);
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const pagePath = () => `/console/board/rectifications/${id}`;
const unmaskPath = () => `${pagePath()}/unmask`;
const entries = async (action: string) =>
  (await gw.services.audit.page({ action, target: id, limit: 50 })).items;

describe('unmasking a rectification’s comment and notes in the console', () => {
  it('offers a holder of unmask the form with a reason, and shows the comment and the notes masked until then', async () => {
    const res = await dev.get(pagePath());
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="unmask-form"');
    expect(res.text).toContain(`action="${unmaskPath()}"`);
    expect(res.text).toContain('id="masked-banner"');
    expect(res.text).not.toContain(PHONE);
    expect(res.text).not.toContain(VISIT_PHONE);
    expect(res.text).toContain('138****5678');
  });

  it('shows the comment and the notes in clear for a reason — by the GET its POST redirects to, audited once as rectification.read-unmasked — and a reload of that page shows them masked, auditing nothing more', async () => {
    const before = (await entries('rectification.read-unmasked')).length;
    const posted = await dev.post(unmaskPath(), { _csrf: await dev.csrf(), reason: REASON });
    // Post/redirect/get: the POST shows nothing, and its URL carries an opaque token only.
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(new RegExp(`^${pagePath()}\\?unmasked=[A-Za-z0-9_-]{22}$`));
    expect(posted.text).not.toContain(PHONE);
    expect(await entries('rectification.read-unmasked')).toHaveLength(before);
    const res = await dev.get(posted.location!);
    expect(res.status).toBe(200);
    expect(res.text).toContain(PHONE);
    expect(res.text).toContain(VISIT_PHONE);
    expect(res.text).toContain('id="unmasked-banner"');
    expect(res.text).toContain(REASON);
    // Shown once: no second form on the unmasked view, and the page's own URL is masked again.
    expect(res.text).not.toContain('id="unmask-form"');
    expect((await dev.get(pagePath())).text).not.toContain(PHONE);
    const read = await entries('rectification.read-unmasked');
    expect(read).toHaveLength(before + 1);
    expect(read).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', outcome: 'ok', reason: REASON }),
    );
    // The reload: the same URL again, masked, saying why; nothing audited.
    const reloaded = await dev.get(posted.location!);
    expect(reloaded.status).toBe(200);
    expect(reloaded.text).not.toContain(PHONE);
    expect(reloaded.text).toContain('id="unmask-spent"');
    expect(reloaded.text).toContain('id="unmask-form"');
    expect(await entries('rectification.read-unmasked')).toHaveLength(before + 1);
  });

  it('refuses a reason holding a right-to-left override or a control character with the 400 page, showing nothing and auditing no read', async () => {
    const before = (await entries('rectification.read-unmasked')).length;
    for (const reason of [`核实回访记录\u202e 工单 4473`, `核实回访记录\u0007 工单 4474`]) {
      const posted = await dev.post(unmaskPath(), { _csrf: await dev.csrf(), reason });
      expect(posted.status).toBe(400);
      expect(posted.text).toContain('理由文本含有不允许的字符');
      expect(posted.text).not.toContain(PHONE);
    }
    expect(await entries('rectification.read-unmasked')).toHaveLength(before);
  });

  it('refuses another operator who opens the redirect’s URL with the page masked and a notice (403), audited as refused, and leaves the reading for the operator who asked', async () => {
    const posted = await dev.post(unmaskPath(), { _csrf: await dev.csrf(), reason: OTHER_REASON });
    const before = await entries('rectification.read-unmasked');
    const other = await readonly.get(posted.location!);
    expect(other.status).toBe(403);
    expect(other.text).toContain('id="unmask-refused"');
    expect(other.text).toContain('id="masked-banner"');
    expect(other.text).not.toContain(PHONE);
    const after = await entries('rectification.read-unmasked');
    expect(after).toHaveLength(before.length + 1);
    expect(after).toContainEqual(
      expect.objectContaining({
        actor: 'operator-readonly',
        outcome: 'refused',
        reason: 'This unmask link was made for another operator',
      }),
    );
    // A second try is refused again: the token is still there, for its owner.
    expect((await readonly.get(posted.location!)).status).toBe(403);
    const own = await dev.get(posted.location!);
    expect(own.status).toBe(200);
    expect(own.text).toContain(PHONE);
    expect(own.text).toContain('id="unmasked-banner"');
    // Once: the owner's reload shows it masked.
    expect((await dev.get(posted.location!)).text).toContain('id="unmask-spent"');
  });

  it('refuses the token’s own operator on another page’s URL, audited, and leaves the token for its page', async () => {
    const posted = await dev.post(unmaskPath(), { _csrf: await dev.csrf(), reason: OTHER_REASON });
    const token = new URL(posted.location!, gw.url).searchParams.get('unmasked')!;
    const elsewhere = await dev.get(`/console/cases/01ARZ3NDEKTSV4RRFFQ69G5FAV?unmasked=${token}`);
    // Refused before the case is looked up; there is no such case, so the page is its 404.
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.text).not.toContain(PHONE);
    const refused = await gw.services.audit.page({
      action: 'case.read-unmasked',
      target: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      limit: 10,
    });
    expect(refused.items).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        outcome: 'refused',
        reason: 'This unmask link was made for another page',
      }),
    );
    expect((await dev.get(posted.location!)).text).toContain(PHONE);
  });

  it('audits the console’s unmasked read as the API’s own unmasked read is audited', async () => {
    const api = await gw
      .client('operator-dev')
      .request('GET', `/v1/rectifications/${id}`, { headers: { 'X-Gw-Reason': 'api-read' } });
    expect(api.status).toBe(200);
    const read = await entries('rectification.read-unmasked');
    const shape = (reason: string) =>
      read
        .filter((e) => e.reason === reason)
        .map(({ actor, action, target, outcome }) => ({ actor, action, target, outcome }));
    expect(shape('api-read')).toHaveLength(1);
    expect(shape(REASON)).toEqual(shape('api-read'));
  });

  it('answers a reason under 4 characters with a 400 page, showing and auditing nothing', async () => {
    const before = (await entries('rectification.read-unmasked')).length;
    const res = await dev.post(unmaskPath(), { _csrf: await dev.csrf(), reason: ' ab ' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(PHONE);
    expect(await entries('rectification.read-unmasked')).toHaveLength(before);
  });

  it('shows an operator without unmask no form, and refuses the unmask sent anyway with the 403 page, audited as refused', async () => {
    const res = await readonly.get(pagePath());
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('id="unmask-form"');
    const refused = await readonly.post(unmaskPath(), {
      _csrf: await readonly.csrf(),
      reason: 'just curious',
    });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(PHONE);
    expect(refused.text).toContain('GW_FORBIDDEN');
    expect(await entries('rectification.read-unmasked')).toContainEqual(
      expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }),
    );
  });

  it('refuses an operator without unmask before the rectification id is looked at — a malformed one too — with the 403 page, audited as refused, as the case and dead-letter pages do', async () => {
    const malformed = 'RC53not-an-id';
    const refused = await readonly.post(`/console/board/rectifications/${malformed}/unmask`, {
      _csrf: await readonly.csrf(),
      reason: 'just curious',
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('GW_FORBIDDEN');
    const entries = await gw.services.audit.page({
      action: 'rectification.read-unmasked',
      target: malformed,
      limit: 10,
    });
    expect(entries.items).toEqual([
      expect.objectContaining({
        actor: 'operator-readonly',
        outcome: 'refused',
        reason: 'This operation needs the unmask right',
      }),
    ]);
  });

  it('answers an unknown or malformed rectification id with the 404 page', async () => {
    const token = await dev.csrf();
    for (const other of [`${id.slice(0, -4)}0000`, 'RC53not-an-id']) {
      const res = await dev.post(`/console/board/rectifications/${other}/unmask`, {
        _csrf: token,
        reason: REASON,
      });
      expect(res.status, other).toBe(404);
      expect(res.text).toContain('没有整改');
    }
  });
});
