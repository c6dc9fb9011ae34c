// The console's dead letters after a province's outage, in a real Chromium
// (gateway/console/README.md#pages): atop the list a summary per adapter and failure kind — the
// count, the oldest failure, the province's state now — then the letters, 100 a page, oldest
// failure first, with newer/older/oldest links and filters by adapter and kind; a bulk replay
// of refused letters is refused as the API refuses it, and each 批量重放 button is in sight at
// phone width without scrolling sideways. Real gateway and Redis;
// the dead letters are made by the case store's own move, as a worker does. Screenshots under
// tests/browser/screenshots/dead-letters-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { submitDeadLetter } from '../support/dead-letters.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { scrolledSideways } from './support/page-measures.ts';
import { allStarted } from '../support/settled.ts';

const GAVE_UP = 'gave up after 5 attempts: province unreachable (ECONNREFUSED)';
const REFUSED = 'refused: RETCODE -102 字段校验不通过';
/** SW-005 goes to yn (云南), SJ-003 to gx (广西): config/routes.json. */
const PLAN = [
  { item: 'SW-005', adapter: 'yn', reason: GAVE_UP, count: 150 },
  { item: 'SW-005', adapter: 'yn', reason: REFUSED, count: 30 },
  { item: 'SJ-003', adapter: 'gx', reason: GAVE_UP, count: 40 },
];

let browser: TestBrowser;
let gw: ApiGateway;
let seq = 0;
const made: string[] = [];

async function deadLetter(item: string, reason: string): Promise<void> {
  const record = await submitDeadLetter(gw, item, reason, `dl-console-${seq++}-${Date.now()}`);
  made.push(record.id);
}

beforeAll(async () => {
  await allStarted([
    launchBrowser().then((b) => (browser = b)),
    startApiGateway({
      GW_RATE_LIMIT_PER_SECOND: '100000',
      GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    }).then((g) => (gw = g)),
  ]);
  for (const p of PLAN)
    for (let i = 0; i < p.count; i += 25)
      await Promise.all(
        Array.from({ length: Math.min(25, p.count - i) }, () => deadLetter(p.item, p.reason)),
      );
}, 180_000);
afterAll(async () => {
  await browser?.close();
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
 * The values of `attribute` on every element `selector` finds, in page order: read in the page at
 * once (a round trip per row took seconds for a page of 100).
 */
function attributes(page: Page, selector: string, attribute: string): Promise<string[]> {
  return page
    .locator(selector)
    .evaluateAll(
      (found: { getAttribute(name: string): string | null }[], name: string) =>
        found.map((e) => e.getAttribute(name) ?? ''),
      attribute,
    );
}

const rowIds = (page: Page) => attributes(page, '#dead-letters tbody tr[data-case]', 'data-case');

describe('the dead-letter list after an outage', () => {
  it('sums the letters per adapter and kind atop the list, with the province state of each adapter', async () => {
    const { page } = browser;
    await signIn(page, 'operator-dev');
    await page.click('[data-nav="dead-letters"]');
    await page.waitForURL(`${gw.url}/console/dead-letters`);
    expect(await page.locator('#dead-letter-summary').getAttribute('data-total')).toBe('220');
    const tallies = await Promise.all(
      (await page.locator('#dead-letter-tallies tbody tr').all()).map(async (r) =>
        ['data-adapter', 'data-kind', 'data-count']
          .map((a) => r.getAttribute(a))
          .reduce(async (line, v) => `${await line} ${await v}`.trim(), Promise.resolve('')),
      ),
    );
    expect(tallies).toEqual(['gx gave-up 40', 'yn gave-up 150', 'yn refused 30']);
    const yn = page.locator('#dead-letter-tallies tr[data-adapter="yn"][data-kind="gave-up"]');
    expect(await yn.innerText()).toContain('云南');
    expect(await yn.innerText()).toContain('0 waiting to retry');
    expect(await yn.locator('.province-brief').getAttribute('data-breaker')).toBe('none');
    await browser.shot('dead-letters-01-summary');
  });

  it('pages 100 at a time, oldest failure first, each letter once, from newer links back to the oldest', async () => {
    const { page } = browser;
    const seen: string[] = [];
    seen.push(...(await rowIds(page)));
    expect(seen).toHaveLength(100);
    await page.click('#dead-letters-newer');
    seen.push(...(await rowIds(page)));
    await browser.shot('dead-letters-02-second-page');
    await page.click('#dead-letters-newer');
    seen.push(...(await rowIds(page)));
    expect(await page.locator('#dead-letters-newer').count()).toBe(0);
    expect(seen).toHaveLength(220);
    expect(new Set(seen)).toEqual(new Set(made));
    await page.click('#dead-letters-oldest');
    expect((await rowIds(page))[0]).toBe(seen[0]);
  });

  it('pages back by Older failures over letters of both adapters, the same pages as forwards, to the first page', async () => {
    const { page } = browser;
    const forward: string[][] = [await rowIds(page)];
    while ((await page.locator('#dead-letters-newer').count()) > 0) {
      await page.click('#dead-letters-newer');
      forward.push(await rowIds(page));
    }
    expect(forward.map((p) => p.length)).toEqual([100, 100, 20]);
    const adapterCells = () =>
      page.locator('#dead-letters tbody tr td:nth-child(3)').allInnerTexts();
    const adapters = new Set(await adapterCells());
    const back: string[][] = [forward.at(-1)!];
    while ((await page.locator('#dead-letters-older').count()) > 0) {
      await page.click('#dead-letters-older');
      back.push(await rowIds(page));
      for (const a of await adapterCells()) adapters.add(a);
      if (back.length === 2) await browser.shot('dead-letters-03-back-to-second');
    }
    expect(back).toEqual([...forward].reverse());
    expect(adapters).toEqual(new Set(['yn', 'gx']));
    // Back at the first page: no way further back.
    expect(await page.locator('#dead-letters-oldest').count()).toBe(0);
  });

  it('filters the list by adapter and kind from the summary and from the form', async () => {
    const { page } = browser;
    await page.click('#dead-letter-tallies tr[data-adapter="gx"] td.num a');
    const gx = await rowIds(page);
    expect(gx).toHaveLength(40);
    expect(await page.locator('#dead-letters tbody tr td:nth-child(3)').allInnerTexts()).toEqual(
      Array(40).fill('gx'),
    );
    await page.selectOption('#adapter', 'yn');
    await page.selectOption('#kind', 'refused');
    await page.click('#dead-letter-filters button[type="submit"]');
    await page.waitForURL(/adapter=yn&kind=refused/);
    expect(await rowIds(page)).toHaveLength(30);
    const kinds = await attributes(page, '#dead-letters [data-failure-kind]', 'data-failure-kind');
    expect(new Set(kinds)).toEqual(new Set(['refused']));
    await browser.shot('dead-letters-04-filtered');
  });

  it('keeps the filters when paging a filtered list forwards and back', async () => {
    const { page } = browser;
    await page.goto(`${gw.url}/console/dead-letters?adapter=yn&kind=gave-up`);
    const first = await rowIds(page);
    await page.click('#dead-letters-newer');
    await page.waitForURL(/adapter=yn&kind=gave-up&cursor=/);
    expect(await rowIds(page)).toHaveLength(50);
    await browser.shot('dead-letters-05-filtered-second-page');
    await page.click('#dead-letters-older');
    await page.waitForURL(/adapter=yn&kind=gave-up&before=/);
    expect(await rowIds(page)).toEqual(first);
    expect(await page.locator('#adapter').inputValue()).toBe('yn');
    expect(await page.locator('#kind').inputValue()).toBe('gave-up');
  });

  it('shows every 批量重放 button and each listed letter’s failure reason within a 390 px wide screen, with no page or table scrolled sideways', async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${gw.url}/console/dead-letters`);
      const buttons = await page.locator('[data-bulk-replay]').all();
      expect(buttons).toHaveLength(2);
      for (const button of buttons) {
        const box = (await button.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
        // Nothing scrolled to bring it there: neither the page nor the summary's box.
        expect(
          await button.evaluate(
            (el: { closest(s: string): { scrollLeft: number } }) =>
              el.closest('.table-wrap').scrollLeft,
          ),
        ).toBe(0);
      }
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(PHONE.width);
      expect(await page.evaluate<number>('window.scrollX')).toBe(0);
      // The list too: its reason column was off to the right of a table scrolled sideways.
      expect(await scrolledSideways(page)).toEqual([]);
      const reason = (await page
        .locator('#dead-letters tbody tr[data-case] td:last-child')
        .first()
        .boundingBox())!;
      expect(reason.x).toBeGreaterThanOrEqual(0);
      expect(reason.x + reason.width).toBeLessThanOrEqual(PHONE.width);
      // The screen as the operator sees it (the whole page is 220 letters long).
      await browser.shot('dead-letters-09-phone-summary', 'device', 'viewport');
      // The refused line says what to do in place of a bulk replay, in sight too, and the kinds'
      // help below the summary fits the phone's width.
      const step = (await page.locator('[data-refused-step="yn"]').boundingBox())!;
      expect(step.x + step.width).toBeLessThanOrEqual(PHONE.width);
      const help = page.locator('#failure-kinds-help');
      expect(await help.locator('dd[data-failure-kind="refused"]').innerText()).toContain(
        '与该省平台联系',
      );
      const helpBox = (await help.boundingBox())!;
      expect(helpBox.x + helpBox.width).toBeLessThanOrEqual(PHONE.width);
      await help.scrollIntoViewIfNeeded();
      await browser.shot('dead-letters-09b-phone-kinds-help', 'device', 'viewport');
      await page.setViewportSize(DESKTOP);
      await help.scrollIntoViewIfNeeded();
      await browser.shot('dead-letters-09c-kinds-help-1280', 'device', 'viewport');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('answers a bulk replay of refused letters typed in the address bar as the API does: 422 GW_BULK_REPLAY_REFUSED at /kind', async () => {
    const { page } = browser;
    const res = await page.goto(`${gw.url}/console/dead-letters/replay?adapter=yn&kind=refused`);
    expect(res?.status()).toBe(422);
    expect(await page.locator('#error-detail code').innerText()).toBe('GW_BULK_REPLAY_REFUSED');
    expect(await page.locator('#error-problems [data-field="/kind"]').innerText()).toContain(
      '省级平台拒收的办件须逐件核对后重放',
    );
    await browser.shot('dead-letters-06-bulk-refused');
  });

  it('answers a cursor it did not give out with a 400 page', async () => {
    const res = await browser.page.goto(`${gw.url}/console/dead-letters?cursor=bm90LWEtY3Vyc29y`);
    expect(res?.status()).toBe(400);
  });

  it('replays a summary line in bulk after a confirmation showing the province state and the count, each case audited', async () => {
    const { page } = browser;
    await page.goto(`${gw.url}/console/dead-letters`);
    expect(await page.locator('[data-bulk-replay="yn:refused"]').count()).toBe(0);
    await page.click('[data-bulk-replay="yn:gave-up"]');
    await page.waitForURL(/\/console\/dead-letters\/replay\?adapter=yn&kind=gave-up/);
    expect(await page.locator('#bulk-count').getAttribute('data-count')).toBe('150');
    expect(await page.locator('#adapter-retrying').getAttribute('data-count')).toBe('0');
    expect(await page.locator('#province-state').getAttribute('data-adapter')).toBe('yn');
    await browser.shot('dead-letters-07-bulk-confirm');
    await page.click('#bulk-replay-confirm');
    await page.locator('#bulk-replay-result').waitFor();
    const result = page.locator('#bulk-replay-result');
    expect(await result.getAttribute('data-replayed')).toBe('150');
    expect(await result.getAttribute('data-remaining')).toBe('0');
    await browser.shot('dead-letters-08-bulk-result');
    const replays = (await gw.services.audit.page({ action: 'dead-letter.replay', limit: 200 }))
      .items;
    expect(replays.filter((e) => e.actor === 'operator-dev' && e.outcome === 'ok')).toHaveLength(
      150,
    );
    // Back to the list as the operator filtered it: yn's gave-up letters, none left.
    await page.click('#bulk-replay-back');
    await page.waitForURL(/\/console\/dead-letters\?adapter=yn&kind=gave-up$/);
    expect(await page.locator('#dead-letter-summary').getAttribute('data-total')).toBe('70');
    expect(await page.locator('#dead-letters tbody tr[data-case]').count()).toBe(0);
  });

  it('says no letter waits when the confirmation is opened again after its batch replayed them all, linking back to the list', async () => {
    const { page } = browser;
    await page.goto(`${gw.url}/console/dead-letters/replay?adapter=yn&kind=gave-up`);
    const count = page.locator('#bulk-count');
    await count.waitFor();
    expect(await count.getAttribute('data-count')).toBe('0');
    expect(await count.innerText()).toContain('没有待重放的死信');
    expect(await count.innerText()).not.toContain('最早失败的');
    expect(await page.locator('#bulk-replay-confirm').count()).toBe(0);
    expect(await page.locator('#failure-advice').count()).toBe(0);
    expect(await page.locator('#bulk-replay-cancel').innerText()).toContain('返回死信列表');
    await browser.shot('dead-letters-09-bulk-none');
    await page.click('#bulk-replay-cancel');
    await page.waitForURL(/\/console\/dead-letters\?adapter=yn&kind=gave-up$/);
  });

  it('shows no bulk replay to an operator without the replay right, and refuses its URL (403, audited)', async () => {
    const { page } = browser;
    await page.click('#sign-out');
    await signIn(page, 'operator-readonly');
    await page.goto(`${gw.url}/console/dead-letters`);
    expect(await page.locator('[data-bulk-replay]').count()).toBe(0);
    const res = await page.goto(`${gw.url}/console/dead-letters/replay?adapter=gx&kind=gave-up`);
    expect(res?.status()).toBe(403);
    expect(
      (await gw.services.audit.page({ action: 'dead-letter.replay-bulk', limit: 200 })).items,
    ).toContainEqual(expect.objectContaining({ actor: 'operator-readonly', outcome: 'refused' }));
  });
});
