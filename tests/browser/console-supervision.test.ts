// 督办 in the operator console in a real browser (gateway/console/README.md#pages): Chromium signs
// an operator in to a gateway whose supervisor raised the flags of a 差评 rectification rated 30
// days ago (an injected clock); the province visited and appealed it. The operator goes from the
// board to the appealed rectification, decides the appeal, sees its new status and then the
// notices the flags sent, and unmasks the rectification's comment and notes for a reason. Screenshots: tests/browser/screenshots/console-supervision-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { superviseOnce } from '../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { close, submit } from '../support/case-flow.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { evaluate, readRectification, rectificationEvent } from '../support/evaluation-flow.ts';
import { supervisorOf } from '../support/supervision.ts';
import { testClock } from '../support/test-clock.ts';
import { DESKTOP, launchBrowser, PHONE, TABLET, type TestBrowser } from './support/browser.ts';

const clock = testClock(new Date().toISOString());
let browser: TestBrowser;
let gw: ApiGateway;
let base = '';
let rectificationId = '';
/** A second appealed rectification, for the refused decision. */
let refusedId = '';

beforeAll(async () => {
  browser = await launchBrowser();
  gw = await startApiGateway({}, { now: clock.now });
  base = gw.url;
  const now = clock.ms();
  clock.set(new Date(now - 30 * 86_400_000).toISOString());
  const { caseId } = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', caseId, clock.now().toISOString());
  const rated = await evaluate(gw, caseId, {
    level: 1,
    rated: 'handling',
    comment: '窗口态度差，回电 13812345678',
  });
  expect(rated.status).toBe(201);
  rectificationId = rated.body.rectification!.id;
  clock.set(new Date(now).toISOString());
  await superviseOnce(supervisorOf(gw), clock.ms());
  await rectificationEvent(gw, rectificationId, 'visited', '已电话回访申请人 13812345678');
  await rectificationEvent(gw, rectificationId, 'appealed', '申请人确认所评并非本窗口');
  const second = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', second.caseId, clock.now().toISOString());
  const ratedAgain = await evaluate(gw, second.caseId, { level: 2, rated: 'handling' });
  expect(ratedAgain.status).toBe(201);
  refusedId = ratedAgain.body.rectification!.id;
  await rectificationEvent(gw, refusedId, 'visited', '已电话回访申请人');
  await rectificationEvent(gw, refusedId, 'appealed', '申请人评价的是另一窗口');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

describe('督办 in the console, in a browser', () => {
  it('goes from the board to the appealed rectification, decides the appeal and sees the new status', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/console/sign-in`);
    await page.fill('#operator', 'operator-dev');
    await page.fill('#password', DEV_PASSWORDS['operator-dev']!);
    await page.click('#sign-in');
    await page.waitForURL(`${base}/console/`);
    await page.click('[data-nav="board"]');
    await page.waitForURL(`${base}/console/board`);
    await page.click('#rectifications-link');
    await page.selectOption('#status', 'APPEALED');
    await page.click('form.filters button');
    await page.waitForURL(/status=APPEALED/);
    await browser.shot('console-supervision-01-appealed');
    await page.click(`tr[data-rectification="${rectificationId}"] a[href*="${rectificationId}"]`);
    await page.waitForURL(`${base}/console/board/rectifications/${rectificationId}`);
    expect(await page.locator('#rectification-status').innerText()).toContain('申诉中');
    const shown = await page.locator('main').innerText();
    expect(shown).toContain('窗口态度差');
    expect(shown).not.toContain('13812345678');
    await browser.shot('console-supervision-02-rectification');

    await page.check('#decision-rejected');
    await page.fill('#note', '核实后评价对象无误，申诉不成立，继续整改');
    await page.click('#decide');
    await page.locator('#decided').waitFor();
    expect(await page.locator('#decided').innerText()).toContain('申诉不成立');
    expect(await page.locator('#rectification-status').innerText()).toContain('已回访');
    expect(await page.locator('#appeal-decision').count()).toBe(0);
    expect(await page.locator('#rectification-history').innerText()).toContain(
      '核实后评价对象无误',
    );
    await browser.shot('console-supervision-03-decided');
    const read = await readRectification<{ status: string }>(gw, rectificationId);
    expect(read.body.status).toBe('VISITED');
  });

  // The form sat above the facts it decides on; moved below them, a refused form's problems were
  // out of view under the facts and the timeline. Now the answer opens at the form, its problems
  // on top and focused.
  it('shows the facts and timeline before the appeal form, and a refused decision opens at its problems, in view and focused', async () => {
    const { page } = browser;
    for (const size of [TABLET, DESKTOP]) {
      await page.setViewportSize(size);
      await page.goto(`${base}/console/board/rectifications/${refusedId}`);
      const top = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
      const form = await top('#appeal-decision');
      expect(await top('#rectification-facts'), `${size.width}`).toBeLessThan(form);
      expect(await top('#rectification-history'), `${size.width}`).toBeLessThan(form);
      await page.check('#decision-upheld');
      // Four spaces pass the browser's own checks (required, minlength); the gateway trims them
      // and refuses the empty note at /note.
      await page.fill('#note', '    ');
      await page.click('#decide');
      const problems = page.locator('#decision-problems');
      await problems.waitFor();
      expect(await problems.locator('li[data-field="/note"]').count()).toBe(1);
      const box = (await problems.boundingBox())!;
      expect(box.y, `${size.width}: problems below the fold`).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `${size.width}: problems below the fold`).toBeLessThanOrEqual(
        size.height,
      );
      expect(await page.evaluate('document.activeElement?.id')).toBe('decision-problems');
      expect(await page.locator('#decision-upheld').isChecked()).toBe(true);
      await browser.shot(`console-supervision-02b-refused-${size.width}`);
    }
    const read = await readRectification<{ status: string }>(gw, refusedId);
    expect(read.body.status).toBe('APPEALED');
  });

  it('lists the notices the flags sent, each linking to the rectification', async () => {
    const { page } = browser;
    await page.click('#province-notices');
    await page.waitForURL(/\/console\/board\/notices\?province=53/);
    const rows = page.locator(`#notices tr[data-subject="${rectificationId}"]`);
    expect(await rows.count()).toBe(3);
    const badges = await page
      .locator(`#notices tr[data-subject="${rectificationId}"] [data-type]`)
      .all();
    const types = await Promise.all(badges.map((b) => b.getAttribute('data-type')));
    expect(types.sort()).toEqual(['escalation', 'urge', 'warning']);
    await browser.shot('console-supervision-04-notices');
    await page.selectOption('#type', 'urge');
    await page.click('#notice-filter button');
    await page.waitForURL(/type=urge/);
    expect(await rows.count()).toBe(1);
    await rows.locator('a[data-subject-link="rectification"]').click();
    await page.waitForURL(`${base}/console/board/rectifications/${rectificationId}`);
  });

  it('unmasks the rectification’s comment and notes for a reason, audited, and shows them masked again on the next visit', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/board/rectifications/${rectificationId}`);
    expect(await page.locator('main').innerText()).not.toContain('13812345678');
    await page.fill('#reason', '核对回访电话 工单 5120');
    await page.click('#unmask');
    await page.locator('#unmasked-banner').waitFor();
    expect(await page.locator('#rectification-comment').innerText()).toContain('13812345678');
    expect(await page.locator('#rectification-history').innerText()).toContain(
      '已电话回访申请人 13812345678',
    );
    expect(await page.locator('#unmask-form').count()).toBe(0);
    await browser.shot('console-supervision-05-unmasked');
    const audited = await gw.services.audit.page({
      action: 'rectification.read-unmasked',
      target: rectificationId,
      limit: 10,
    });
    expect(audited.items).toContainEqual(
      expect.objectContaining({
        actor: 'operator-dev',
        outcome: 'ok',
        reason: '核对回访电话 工单 5120',
      }),
    );
    await page.goto(`${base}/console/board/rectifications/${rectificationId}`);
    expect(await page.locator('main').innerText()).not.toContain('13812345678');
    await page.locator('#unmask-form').scrollIntoViewIfNeeded();
    await browser.shot('console-supervision-06-unmask-form');
  });

  // At 390 px the board's tables (state columns beside a province or an item) and the list of
  // the cases behind a number (id, province, item, due, left) scrolled sideways inside their
  // boxes: the page itself fit, the 超期 and 通报 counts and the due time were off to the right.
  it('shows the board and each supervised case of a list within 390 px, with no sideways scrolling of the page or of a table', async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    try {
      const sideways = () =>
        page.evaluate<string[]>(
          `[document.documentElement, ...document.querySelectorAll('.table-wrap')]
            .filter((el) => el.scrollWidth > el.clientWidth)
            .map((el) => (el.querySelector('table')?.id || el.querySelector('table')?.className || el.localName) + ' ' + el.scrollWidth + '>' + el.clientWidth)`,
        );
      await page.goto(`${base}/console/board`);
      expect(await sideways()).toEqual([]);
      const overdue = page.locator(
        '#board-rectification table.by-province tfoot [data-count="overdue"]',
      );
      expect(await overdue.isVisible()).toBe(true);
      await browser.shot('console-supervision-09-phone-board', 'css');
      await page.locator('#board-rectification table.by-item [data-count="open"]').first().click();
      await page.waitForURL(/\/console\/board\/list/);
      const subjects = await page.locator('#board-list tr[data-subject]').all();
      expect(subjects.length).toBeGreaterThan(0);
      expect(await sideways()).toEqual([]);
      // Every fact of a case is in sight: its id, province, item, due time and what is left.
      for (const row of subjects)
        for (const cell of await row.locator('td').all()) {
          const box = (await cell.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        }
      await browser.shot('console-supervision-10-phone-list', 'css');
      await page.goto(`${base}/console/board/rectifications`);
      expect(await sideways()).toEqual([]);
      await browser.shot('console-supervision-11-phone-rectifications', 'css');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('fits the rectification and the notices at phone width', async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    for (const [path, name] of [
      [
        `/console/board/rectifications/${rectificationId}`,
        'console-supervision-07-phone-rectification',
      ],
      ['/console/board/notices', 'console-supervision-08-phone-notices'],
    ] as const) {
      expect((await page.goto(`${base}${path}`))?.status()).toBe(200);
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(PHONE.width);
      await browser.shot(name, 'css');
    }
  });
});
