// The console's 数据密钥 page in a real browser (gateway/console/README.md#pages,
// gateway/README.md#key-rotation): two cases sealed under k1 by a gateway listing only k1, then
// Chromium signs operator-dev in to a gateway listing `k2,k1`, opens the page from the nav, runs
// the census (k1 still needed, two envelopes), runs the re-seal (two envelopes re-sealed under
// k2) and the census again (k1 removable); the census fits a phone's width. Screenshots: tests/browser/screenshots/data-keys-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { uniquePrefix } from '../support/redis.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
/** generateDataKeys gives `<id>:<key>`, its id made unique (`k1-7efa60`). */
const [k1, k2] = [K1, K2].map((keys) => keys.split(':')[0]!) as [string, string];
const prefix = uniquePrefix('browser-keys');
let browser: TestBrowser;
let gw: ApiGateway;
let base = '';

beforeAll(async () => {
  browser = await launchBrowser();
  const sealer = await startApiGateway(
    { GW_KEY_PREFIX: prefix, GW_DATA_KEYS: K1 },
    { relay: false },
  );
  try {
    for (let i = 0; i < 2; i++) {
      const res = await sealer
        .client('portal-sc')
        .submitCase(validExample('SW-005'), `browser-keys-${Date.now()}-${i}`);
      expect(res.status).toBe(202);
    }
  } finally {
    await sealer.close();
  }
  gw = await startApiGateway(
    {
      GW_KEY_PREFIX: prefix,
      GW_DATA_KEYS: `${K2},${K1}`,
      GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    },
    { relay: false },
  );
  base = gw.url;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** Whether a key's verdict shows inside the census table's box, without scrolling the table. */
async function verdictInSight(page: Page, keyId: string): Promise<boolean> {
  const wrap = await page.locator('#census-keys').locator('xpath=..').boundingBox();
  const badge = await page
    .locator(`#census-keys tr[data-key="${keyId}"] [data-verdict]`)
    .boundingBox();
  return !!wrap && !!badge && badge.x >= wrap.x && badge.x + badge.width <= wrap.x + wrap.width;
}

describe('the data keys page in a browser', () => {
  it('signs operator-dev in, runs the census (k1 needed, 2 envelopes), re-seals 2 envelopes under k2, and the census then shows k1 removable', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/sign-in`);
    await page.fill('#operator', 'operator-dev');
    await page.fill('#password', DEV_PASSWORDS['operator-dev']!);
    await page.click('#sign-in');
    await page.waitForURL(`${base}/console/`);

    await page.click('nav a[href="/console/data-keys"]');
    await page.waitForURL(`${base}/console/data-keys`);
    expect(await page.locator('#current-key').innerText()).toBe(k2);
    expect(await page.locator('#listed-keys li').allInnerTexts()).toEqual([k2, k1]);

    await page.click('#census-run');
    await page.waitForSelector('#census-done');
    const k1Row = page.locator(`#census-keys tr[data-key="${k1}"]`);
    expect(await k1Row.locator('[data-count="envelopes"]').innerText()).toBe('2');
    expect(await k1Row.locator('[data-verdict]').getAttribute('data-verdict')).toBe('needed');
    expect(await page.locator('#census-clear-callback-results').innerText()).toBe('0');
    expect(await verdictInSight(page, k1)).toBe(true);
    await browser.shot('data-keys-1-census-k1-needed');

    await page.click('#reseal-run');
    await page.waitForSelector('#reseal-done');
    expect(await page.locator('#reseal-envelopes').innerText()).toBe('2');
    expect(await page.locator('#reseal-unreadable').innerText()).toBe('0');
    await browser.shot('data-keys-2-resealed');

    await page.click('#census-run');
    await page.waitForSelector('#census-done');
    expect(await k1Row.locator('[data-count="envelopes"]').innerText()).toBe('0');
    expect(await k1Row.locator('[data-verdict]').getAttribute('data-verdict')).toBe('removable');
    expect(await k1Row.locator('[data-verdict]').innerText()).toContain('可移除');
    await browser.shot('data-keys-3-census-k1-removable');
  });

  it("shows the census at phone width without scrolling sideways, each key's verdict in sight", async () => {
    const { page } = browser;
    await page.setViewportSize(PHONE);
    try {
      await page.goto(`${base}/console/data-keys`);
      await page.click('#census-run');
      await page.waitForSelector('#census-done');
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(PHONE.width);
      expect(await verdictInSight(page, k1)).toBe(true);
      await browser.shot('data-keys-4-phone');
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });
});
