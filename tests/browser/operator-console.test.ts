// The operator console in a real browser (gateway/console/README.md): Chromium signs operators in
// to a gateway on the test run's Redis, with an injected clock for the session timeouts. Wrong
// passwords and the lock-out; a dead letter replayed after its confirmation page; an unmasked read
// that shows up in the audit log; a forged POST without the CSRF token refused; a read-only
// operator who sees no replay or unmask and is refused when sending them anyway; Bull Board served
// locally; an idle session ending; the pages at phone width, and at tablet width with nothing
// out of sight. Every main page leaves a screenshot in
// tests/browser/screenshots/console-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { superviseOnce } from '../../gateway/supervision/supervision.ts';
import { close, submit as submitExample } from '../support/case-flow.ts';
import { evaluate } from '../support/evaluation-flow.ts';
import { supervisorOf } from '../support/supervision.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { testClock } from '../support/test-clock.ts';
import { allStarted } from '../support/settled.ts';
import { authorSubmitsDraft } from './support/console-drafts.ts';
import { pasteText } from './support/paste-text.ts';
import { focusArrives } from './support/page-measures.ts';
import { DESKTOP, launchBrowser, PHONE, TABLET, type TestBrowser } from './support/browser.ts';

const clock = testClock(new Date().toISOString());
let browser: TestBrowser;
let gw: ApiGateway;
let base = '';
let deadCaseId = '';
let openCaseId = '';
let lateCaseId = '';
const PHONE_NUMBER = '13812345678';

async function submit(key: string): Promise<string> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `console-browser-${key}-${Date.now()}`);
  return res.body.caseId;
}

beforeAll(async () => {
  // Side by side: each start mostly waits (allStarted leaves none running unseen).
  await allStarted([
    launchBrowser().then((b) => (browser = b)),
    startApiGateway(
      {
        GW_CONSOLE_IDLE_MINUTES: '1',
        GW_CONSOLE_LOCK_AFTER_FAILURES: '3',
        GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
      },
      // A live catalogue, as a deployed gateway has: the tablet test puts a draft in review.
      { now: clock.now, liveCatalogue: true },
    ).then((g) => (gw = g)),
  ]);
  base = gw.url;
  // Thirty days ago: a case left open, and one closed and rated 1 (a rectification); the
  // supervisor then finds both overdue now, so the 督办 board has something to show.
  const now = clock.ms();
  clock.set(new Date(now - 30 * 86_400_000).toISOString());
  lateCaseId = (await submitExample(gw, 'SF-009')).caseId;
  const rated = (await submitExample(gw, 'SF-009')).caseId;
  await close(gw, 'province-yn', rated, clock.now().toISOString());
  expect((await evaluate(gw, rated, { level: 1, rated: 'handling' })).status).toBe(201);
  clock.set(new Date(now).toISOString());
  await superviseOnce(supervisorOf(gw), clock.ms());
  openCaseId = await submit('open');
  deadCaseId = await submit('dead');
  const record = await gw.services.store.get(deadCaseId);
  if (record?.kind !== 'single') throw new Error('not a single case');
  await recordDeliveryFailed(gw.services.store, record, {
    adapterId: 'yn',
    reason: 'refused: -102 纳税人识别号不存在',
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

async function signIn(page: Page, operator: string, password = DEV_PASSWORDS[operator]!) {
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', password);
  await page.click('#sign-in');
}

async function signOut(page: Page) {
  await page.click('#sign-out');
  await page.waitForURL(`${base}/console/sign-in`);
}

const noSidewaysScroll = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth');

describe('the operator console at desktop width', () => {
  it('refuses a wrong password, then locks the operator id out even for the right one', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'operator-dev-2', 'wrong-password-1');
    expect(await page.locator('#sign-in-message').innerText()).toContain('账号或密码错误');
    await browser.shot('console-01-sign-in-failed');
    await signIn(page, 'operator-dev-2', 'wrong-password-2');
    await signIn(page, 'operator-dev-2', 'wrong-password-3');
    await signIn(page, 'operator-dev-2');
    expect(await page.locator('#sign-in-message').innerText()).toContain('登录失败次数过多');
    expect(page.url()).toBe(`${base}/console/sign-in`);
    await browser.shot('console-02-locked-out');
  });

  it('signs operator-dev in with a cookie scripts cannot read, onto an overview counting the dead letter and the overdue case', async () => {
    const { page } = browser;
    await signIn(page, 'operator-dev');
    await page.waitForURL(`${base}/console/`);
    expect(await page.locator('#operator-id').innerText()).toBe('operator-dev');
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'gw_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(await page.evaluate('document.cookie')).not.toContain('gw_console');
    const figure = (key: string) => page.locator(`#attention [data-figure="${key}"]`).innerText();
    expect(await figure('dead-letters')).toBe('1');
    expect(await figure('cases-flagged')).toBe('1');
    expect(await figure('rectifications-flagged')).toBe('1');
    await browser.shot('console-03-overview');
  });

  it('replays a dead letter after its confirmation page, landing with the focus on 已重新排队 and Tab on its case link', async () => {
    const { page } = browser;
    await page.click('[data-nav="dead-letters"]');
    await page.waitForURL(`${base}/console/dead-letters`);
    await browser.shot('console-04-dead-letters');
    await page.click(`tr[data-case="${deadCaseId}"] a`);
    expect(await page.locator('#failure-reason').innerText()).toContain('纳税人识别号不存在');
    await browser.shot('console-05-dead-letter');
    await page.click('#replay-start');
    await page.waitForURL(`${base}/console/dead-letters/${deadCaseId}/replay`);
    expect((await gw.services.store.get(deadCaseId))?.status).toBe('DELIVERY_FAILED');
    await browser.shot('console-06-replay-confirm');
    await page.click('#replay-confirm');
    await page.locator('#replayed').waitFor();
    expect(await focusArrives(page, 'replayed')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.getAttribute("href")')).toBe(
      `/console/cases/${deadCaseId}`,
    );
    expect(await page.locator(`tr[data-case="${deadCaseId}"]`).count()).toBe(0);
    expect((await gw.services.store.get(deadCaseId))?.status).toBe('ROUTED');
    const replays = (await gw.services.audit.page({ action: 'dead-letter.replay' })).items;
    expect(replays).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', target: deadCaseId, outcome: 'ok' }),
    );
  });

  it('shows a case masked, unmasks it for a reason, and the read appears in the audit log', async () => {
    const { page } = browser;
    await page.click('[data-nav="cases"]');
    await page.fill('#case-id', openCaseId);
    await page.click('#case-lookup button');
    await page.waitForURL(`${base}/console/cases/${openCaseId}`);
    await page.locator('#masked-banner').waitFor();
    expect(await page.locator('#case-submission').innerText()).not.toContain(PHONE_NUMBER);
    await browser.shot('console-07-case-masked');
    await page.fill('#reason', '核实缴款人联系电话');
    await page.click('#unmask');
    await page.locator('#unmasked-banner').waitFor();
    expect(await page.locator('#case-submission').innerText()).toContain(PHONE_NUMBER);
    await browser.shot('console-08-case-unmasked');
    // Shown by the GET the form's POST redirected to: its URL carries a one-time token, never
    // the number or the reason, and reloading it neither asks to send the form again nor reads
    // unmasked a second time.
    const shownAt = page.url();
    expect(shownAt).toMatch(
      new RegExp(`^${base}/console/cases/${openCaseId}\\?unmasked=[A-Za-z0-9_-]{22}$`),
    );
    expect(decodeURIComponent(shownAt)).not.toMatch(/核实|\d{11}/);
    const readings = async () =>
      (await gw.services.audit.page({ action: 'case.read-unmasked', target: openCaseId })).items
        .length;
    expect(await readings()).toBe(1);
    const dialogs: string[] = [];
    const onDialog = (dialog: { type(): string; dismiss(): Promise<void> }) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    };
    page.on('dialog', onDialog);
    const reloaded = await page.reload();
    page.off('dialog', onDialog);
    expect(dialogs).toEqual([]);
    expect(reloaded?.request().method()).toBe('GET');
    expect(reloaded?.headers()['cache-control']).toBe('no-store');
    await page.locator('#unmask-spent').waitFor();
    expect(await page.locator('#case-submission').innerText()).not.toContain(PHONE_NUMBER);
    expect(await page.locator('#unmask-form').count()).toBe(1);
    expect(await readings()).toBe(1);
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      await browser.shot(`console-08b-case-unmask-spent-${size.width}`);
    }

    await page.click('[data-nav="audit"]');
    await page.fill('#action', 'case.read-unmasked');
    await page.click('#audit-filters button');
    const row = page.locator('tr[data-action="case.read-unmasked"]');
    await row.first().waitFor();
    expect(await row.first().innerText()).toContain('核实缴款人联系电话');
    expect(await row.first().innerText()).toContain(openCaseId);
    expect(await page.locator('#chain-status').getAttribute('data-ok')).toBe('true');
    await browser.shot('console-09-audit');
  });

  it('refuses a forged POST without the CSRF token, and audits it', async () => {
    const { page } = browser;
    const status = await page.evaluate<number, string>(
      async (path) => (await fetch(path, { method: 'POST', body: new URLSearchParams({}) })).status,
      `/console/cases/${openCaseId}/unmask`,
    );
    expect(status).toBe(403);
    const refused = (await gw.services.audit.page({ action: 'console.post', outcome: 'refused' }))
      .items;
    expect(refused).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', target: `/cases/${openCaseId}/unmask` }),
    );
  });

  it('shows the 督办 board with each number linking to its cases', async () => {
    const { page } = browser;
    await page.click('[data-nav="board"]');
    await page.waitForURL(`${base}/console/board`);
    await browser.shot('console-10-board');
    const overdue = page.locator('#board-case tr[data-province="53"] a[data-count="overdue"]');
    expect(await overdue.innerText()).toBe('1');
    await overdue.click();
    await page.locator(`tr[data-subject="${lateCaseId}"]`).waitFor();
    expect(await page.locator(`tr[data-subject="${openCaseId}"]`).count()).toBe(0);
    await browser.shot('console-11-board-list');
    await page.goto(`${base}/console/board/rectifications`);
    await page.locator('#rectifications tr[data-rectification]').first().waitFor();
    await browser.shot('console-11b-rectifications');
  });

  it('serves Bull Board from this origin only', async () => {
    const { page } = browser;
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.click('[data-nav="queues"]');
    await page.waitForURL(`${base}/console/queues/`);
    await page.getByText('route-yn').first().waitFor();
    // The overview has drawn the queues' job counts (its loading indicator is gone).
    await page.getByText('加载中').waitFor({ state: 'detached' });
    await browser.shot('console-12-queues');
    expect([...origins].filter((o) => o !== base && o !== 'data:' && o !== 'null')).toEqual([]);
  });

  it('sends a browser without a session from Bull Board to the sign-in page', async () => {
    const res = await fetch(`${base}/console/queues/`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/console/sign-in');
  });

  it('shows a read-only operator no replay, unmask or audit, and refuses them when sent anyway', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/`);
    await signOut(page);
    await signIn(page, 'operator-readonly');
    await page.waitForURL(`${base}/console/`);
    expect(await page.locator('[data-nav="audit"]').count()).toBe(0);
    await page.goto(`${base}/console/cases/${openCaseId}`);
    expect(await page.locator('#unmask-form').count()).toBe(0);
    await browser.shot('console-13-readonly-case');
    const failedAgain = await submit('readonly');
    const record = await gw.services.store.get(failedAgain);
    if (record?.kind !== 'single') throw new Error('not a single case');
    await recordDeliveryFailed(gw.services.store, record, { adapterId: 'yn', reason: 'refused' });
    await page.goto(`${base}/console/dead-letters/${failedAgain}`);
    expect(await page.locator('#replay-start').count()).toBe(0);
    // The requests the hidden buttons would have sent, with this session's CSRF token.
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const statuses = await page.evaluate<number[], string[]>(
      async ([unmask, replay, token]) => {
        const post = async (path: string, fields: Record<string, string>) =>
          (
            await fetch(path, {
              method: 'POST',
              body: new URLSearchParams({ _csrf: token!, ...fields }),
            })
          ).status;
        return [await post(unmask!, { reason: '想看看' }), await post(replay!, {})];
      },
      [`/console/cases/${openCaseId}/unmask`, `/console/dead-letters/${failedAgain}/replay`, csrf],
    );
    expect(statuses).toEqual([403, 403]);
    expect((await gw.services.store.get(failedAgain))?.status).toBe('DELIVERY_FAILED');
    const refused = (
      await gw.services.audit.page({ actor: 'operator-readonly', outcome: 'refused' })
    ).items;
    expect(refused.map((e) => e.action)).toEqual(
      expect.arrayContaining(['case.read-unmasked', 'dead-letter.replay']),
    );
    await page.goto(`${base}/console/audit`);
    expect(await page.locator('.error-page').getAttribute('data-status')).toBe('403');
    await browser.shot('console-14-forbidden');
  });

  it('ends a session left idle for consoleIdleMinutes', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/board`);
    expect(page.url()).toBe(`${base}/console/board`);
    clock.advance(61_000);
    await page.goto(`${base}/console/board`);
    await page.waitForURL(/\/console\/sign-in\?next=%2Fconsole%2Fboard&expired=1$/);
    expect(await page.locator('#sign-in-message').innerText()).toContain('会话已超时');
    await browser.shot('console-15-session-expired');
  });
});

describe('the operator console at phone width', () => {
  it('fits the overview, case, dead-letter and board pages in 390 px', async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    await signIn(page, 'operator-dev');
    await page.waitForURL(`${base}/console/`);
    for (const [path, name] of [
      ['/console/', 'console-16-phone-overview'],
      [`/console/cases/${openCaseId}`, 'console-16-phone-case'],
      ['/console/board', 'console-17-phone-board'],
      ['/console/dead-letters', 'console-18-phone-dead-letters'],
    ] as const) {
      await page.goto(`${base}${path}`);
      expect(await noSidewaysScroll(page), path).toBeLessThanOrEqual(PHONE.width);
      await browser.shot(name);
    }
  });
});

describe('the operator console at tablet width', () => {
  // At 768 px the nav scrolled sideways with its last tabs cut off, the 督办 board's two tables
  // sat side by side with 超期 and 通报 scrolled out of sight, and the dead-letter summary's
  // 批量重放 button was past the edge of its table, as was the list's 原因 column: all there, none
  // in view.
  it('shows every nav tab, the board’s 通报 column, the dead-letter summary’s replay-all button and the list’s 原因 column in 768 px', async () => {
    const { page } = browser;
    await page.setViewportSize(TABLET);
    const gaveUp = await submit('tablet');
    const record = await gw.services.store.get(gaveUp);
    if (record?.kind !== 'single') throw new Error('not a single case');
    await recordDeliveryFailed(gw.services.store, record, {
      adapterId: 'yn',
      reason: 'gave up after 6 attempts: province unreachable (ECONNREFUSED)',
    });
    await page.goto(`${base}/console/`);
    if (page.url().includes('/console/sign-in')) await signIn(page, 'operator-dev');
    await page.waitForURL(`${base}/console/`);
    const pastTheEdge = async (selector: string) => {
      const past: string[] = [];
      for (const element of await page.locator(selector).all()) {
        const box = await element.boundingBox();
        if (box && box.x + box.width > TABLET.width) past.push(await element.innerText());
      }
      return past;
    };
    expect(await page.locator('.site-nav a').count()).toBeGreaterThanOrEqual(7);
    expect(await pastTheEdge('.site-nav a')).toEqual([]);
    await browser.shot('console-19-tablet-overview');

    await page.goto(`${base}/console/board`);
    expect(await pastTheEdge('#board-case th')).toEqual([]);
    expect(await page.locator('#board-case th', { hasText: '通报' }).count()).toBe(2);
    await browser.shot('console-20-tablet-board');

    await page.goto(`${base}/console/dead-letters`);
    const replayAll = page.locator(
      '#dead-letter-tallies a[href="/console/dead-letters/replay?adapter=yn&kind=gave-up"]',
    );
    expect(await replayAll.count()).toBe(1);
    expect(await pastTheEdge('#dead-letter-tallies a, #dead-letter-tallies th')).toEqual([]);
    expect(await pastTheEdge('#dead-letters th')).toEqual([]);
    await browser.shot('console-21-tablet-dead-letters');
  });

  // At 768 px the catalogue's review queue, the rectification list and the audit log scrolled
  // sideways inside their boxes: draft and case ids, hashes and times that would not wrap pushed
  // 更新, 督办 and 理由 past the edge.
  it('fits the review queue, the rectification list and the audit log in 768 px: no table scrolls sideways, no column past the edge, no item code broken at its hyphen', async () => {
    const { page } = browser;
    await page.setViewportSize(TABLET);
    await page.goto(`${base}/console/catalogue/items/SW-005`);
    if (page.url().includes('/console/sign-in')) {
      await signIn(page, 'operator-dev');
      await page.goto(`${base}/console/catalogue/items/SW-005`);
    }
    // A draft in review: operator-dev's own, its 承诺时限 a day longer (a copy of the published
    // version is refused at submit, GW_DRAFT_UNCHANGED), saved, validated and submitted.
    await page.click('#draft-start');
    await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
    const doc = JSON.parse(await page.inputValue('#draft-document')) as { promisedDays: number };
    doc.promisedDays += 1;
    await pasteText(page, '#draft-document', JSON.stringify(doc, null, 2));
    await authorSubmitsDraft(page, '承诺时限延长一天');
    // Evaluated in the page (a string: this project's types have no DOM).
    const sideways = (table: string) =>
      page.evaluate<{ scrolls: boolean; past: string[] }>(`(() => {
        const element = document.querySelector(${JSON.stringify(table)});
        const wrap = element.closest('.table-wrap') ?? element;
        const past = [...element.querySelectorAll('th, td')]
          .filter((cell) => cell.getBoundingClientRect().right > ${TABLET.width})
          .map((cell) => cell.innerText);
        return { scrolls: wrap.scrollWidth > wrap.clientWidth, past };
      })()`);
    const fits: Record<string, unknown> = {};
    for (const [path, table, name] of [
      ['/console/catalogue/review', '#draft-list', 'console-22-tablet-review'],
      ['/console/board/rectifications', '#rectifications', 'console-23-tablet-rectifications'],
      ['/console/audit', '#audit-entries', 'console-24-tablet-audit'],
    ] as const) {
      await page.goto(`${base}${path}`);
      expect(await page.locator(`${table} tbody tr`).count(), path).toBeGreaterThan(0);
      fits[path] = await sideways(table);
      expect(await noSidewaysScroll(page), path).toBeLessThanOrEqual(TABLET.width);
      await browser.shot(name);
    }
    // An item code stays whole: SF-009 once broke at its hyphen in the narrow item column.
    await page.goto(`${base}/console/board/rectifications`);
    const itemCodeLines = await page.evaluate<number[]>(
      `[...document.querySelectorAll('#rectifications td.item code')].map((c) => c.getClientRects().length)`,
    );
    expect(itemCodeLines.length).toBeGreaterThan(0);
    expect(itemCodeLines.filter((lines) => lines !== 1)).toEqual([]);
    const none = { scrolls: false, past: [] };
    expect(fits).toEqual({
      '/console/catalogue/review': none,
      '/console/board/rectifications': none,
      '/console/audit': none,
    });
  });
});
