// An unmask link opened by someone it was not made for, in a real Chromium
// (gateway/console/README.md#pages): operator-dev unmasks a case and a dead letter, and before
// opening the page the redirect names, a colleague opens its URL (a link pasted into a chat). The
// colleague gets the page masked with a notice saying why and what to do — a form for a reason of
// their own when they hold `unmask`, the right it needs when not — answered 403 and audited as
// refused; the link is still good once for its owner. Before, the colleague got the bare 403
// page: no case, no way on. Screenshots under tests/browser/screenshots/console-unmask-link-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { submitDeadLetter } from '../support/dead-letters.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { allStarted } from '../support/settled.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { scrolledSideways } from './support/page-measures.ts';

const PHONE_NUMBER = '13812345678';
const REASON = '核实缴款人联系电话';

let owner: TestBrowser;
let colleague: TestBrowser;
let gw: ApiGateway;
let caseId = '';
let deadId = '';

beforeAll(async () => {
  await allStarted([
    launchBrowser().then((b) => (owner = b)),
    launchBrowser().then((b) => (colleague = b)),
    startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' }).then((g) => (gw = g)),
  ]);
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `unmask-link-${Date.now()}`);
  caseId = res.body.caseId;
  deadId = (
    await submitDeadLetter(
      gw,
      'SW-005',
      `refused: -102 联系电话${PHONE_NUMBER}与登记不符`,
      `unmask-link-dead-${Date.now()}`,
    )
  ).id;
}, 90_000);

afterAll(async () => {
  await owner?.close();
  await colleague?.close();
  await gw?.close();
});

async function signIn(page: Page, operator: string) {
  await page.goto(`${gw.url}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', DEV_PASSWORDS[operator]!);
  await page.click('#sign-in');
  await page.waitForURL(`${gw.url}/console/`);
}

/**
 * The owner's unmask form for `pagePath`, filled in the page and sent from the owner's browser
 * session without following its redirect: the URL it names, its token not yet taken.
 */
async function unmaskLink(pagePath: string): Promise<string> {
  const { page } = owner;
  await page.goto(`${gw.url}${pagePath}`);
  await page.fill('#reason', REASON);
  const form = page.locator('#unmask-form');
  const fields = Object.fromEntries(
    await page.evaluate<[string, string][]>(
      `[...new FormData(document.getElementById('unmask-form'))].map(([k, v]) => [k, String(v)])`,
    ),
  );
  const sent = await page.request.post(`${gw.url}${await form.getAttribute('action')}`, {
    form: fields,
    headers: { Origin: gw.url },
    maxRedirects: 0,
  });
  expect(sent.status()).toBe(303);
  const location = sent.headers()['location']!;
  expect(location).toMatch(/\?unmasked=[A-Za-z0-9_-]{22}$/);
  return `${gw.url}${location}`;
}

const refusals = async (action: string, target: string, actor: string) =>
  (await gw.services.audit.page({ action, target })).items.filter(
    (e) => e.actor === actor && e.outcome === 'refused',
  );

describe('an unmask link opened by an operator it was not made for', () => {
  it('shows a colleague holding unmask the case masked, saying why, with a form for a reason of their own; the owner still reads it once', async () => {
    await allStarted([
      signIn(owner.page, 'operator-dev'),
      signIn(colleague.page, 'operator-dev-2'),
    ]);
    const link = await unmaskLink(`/console/cases/${caseId}`);
    const { page } = colleague;
    await page.setViewportSize(DESKTOP);
    const answer = await page.goto(link);
    expect(answer?.status()).toBe(403);
    const notice = page.locator('#unmask-refused');
    await notice.waitFor();
    expect(await notice.getAttribute('data-refused')).toBe('operator');
    expect(await notice.innerText()).toContain('此查看链接是其他运维人员申请的');
    expect(await notice.innerText()).toContain('请在下方填写理由');
    expect(await page.locator('#masked-banner').count()).toBe(1);
    expect(await page.locator('#case-facts').innerText()).toContain(caseId);
    expect(await page.locator('#case-submission').innerText()).not.toContain(PHONE_NUMBER);
    expect(await page.locator('#unmask-form').count()).toBe(1);
    await colleague.shot('console-unmask-link-case-colleague-1280');
    await page.setViewportSize(PHONE);
    expect(await scrolledSideways(page)).toEqual([]);
    await colleague.shot('console-unmask-link-case-colleague-390', 'css');
    await page.setViewportSize(DESKTOP);
    expect(await refusals('case.read-unmasked', caseId, 'operator-dev-2')).toContainEqual(
      expect.objectContaining({ reason: 'This unmask link was made for another operator' }),
    );

    // The colleague's own reason reads it, audited under their id.
    await page.fill('#reason', '复核同事的查询');
    await page.click('#unmask');
    await page.locator('#unmasked-banner').waitFor();
    expect(await page.locator('#case-submission').innerText()).toContain(PHONE_NUMBER);

    // The link stays good once for the operator who asked.
    await owner.page.goto(link);
    await owner.page.locator('#unmasked-banner').waitFor();
    expect(await owner.page.locator('#case-submission').innerText()).toContain(PHONE_NUMBER);
    expect(await owner.page.locator('#unmask-refused').count()).toBe(0);
  });

  it('shows an operator without unmask the dead letter masked, naming the right it needs, with the way back to the list', async () => {
    await colleague.context.clearCookies();
    await signIn(colleague.page, 'operator-readonly');
    const link = await unmaskLink(`/console/dead-letters/${deadId}`);
    const { page } = colleague;
    const answer = await page.goto(link);
    expect(answer?.status()).toBe(403);
    const notice = page.locator('#unmask-refused');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('查看原文需要 unmask 权限');
    expect(await page.locator('#failure-reason').innerText()).not.toContain(PHONE_NUMBER);
    expect(await page.locator('#unmask-form').count()).toBe(0);
    expect(await page.locator('#back-to-list').getAttribute('href')).toBe('/console/dead-letters');
    await colleague.shot('console-unmask-link-dead-letter-readonly-1280');
    await page.setViewportSize(PHONE);
    expect(await scrolledSideways(page)).toEqual([]);
    await colleague.shot('console-unmask-link-dead-letter-readonly-390', 'css');
    await page.setViewportSize(DESKTOP);
    expect(await refusals('dead-letter.read-unmasked', deadId, 'operator-readonly')).toContainEqual(
      expect.objectContaining({ reason: 'This unmask link was made for another operator' }),
    );
  });
});
