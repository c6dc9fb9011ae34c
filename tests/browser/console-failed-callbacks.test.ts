// Portal callbacks that failed for good, in a real Chromium (gateway/console/README.md#pages): from
// the overview's 回调失败 line to the console's own list — each callback linked to its case, its
// portal and host, when it failed and its last error masked — and, for holders of `replay`, a
// button that replays it through the admin API's use case (its 8 attempts again, audited as
// `callback.replay`), landing back on the list with the focus on 已重新排队 and Tab on the case.
// Before, the overview sent operators to the queue board: stack traces under job ids, no case.
// The failed callback is made as the callback worker leaves one (its job moved to failed after
// its attempts), for a real case. Screenshots: tests/browser/screenshots/console-callbacks-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import type { Page } from 'playwright-core';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { allStarted } from '../support/settled.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { focusArrives, scrolledSideways } from './support/page-measures.ts';

const PHONE_NUMBER = '13812345678';

let browser: TestBrowser;
let gw: ApiGateway;
let caseId = '';
let callbackId = '';

/** The ROUTED callback of `caseId`, failed for good with `error` as its last attempt's. */
async function failedCallback(id: string, error: string): Promise<void> {
  const queue = gw.services.callbacks.queue;
  await queue.add(
    'status',
    {
      caseId,
      clientId: 'portal-sc',
      url: 'http://127.0.0.1:9/hooks/gw?token=secret-of-the-portal',
      status: 'ROUTED',
      sequence: 3,
      at: new Date().toISOString(),
    },
    { jobId: id, lifo: true },
  );
  const worker = new Worker(queue.name, null, {
    connection: gw.services.redis,
    prefix: queue.opts.prefix!,
    autorun: false,
  });
  try {
    const job = await worker.getNextJob(id);
    if (job?.id !== id) throw new Error(`took ${job?.id}, not ${id}`);
    await job.moveToFailed(new Error(error), id);
  } finally {
    await worker.close();
  }
}

beforeAll(async () => {
  await allStarted([
    launchBrowser().then((b) => (browser = b)),
    startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' }).then((g) => (gw = g)),
  ]);
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample('SW-005'), `failed-callback-${Date.now()}`);
  caseId = res.body.caseId;
  callbackId = `status-${caseId}-3`;
  await failedCallback(callbackId, `portal answered 503 (值班电话 ${PHONE_NUMBER})`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

/** The cells of `row` whose contents overlap another of its cells' (none in a readable row). */
function overlaps(page: Page, row: string): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const cells = [...document.querySelector(${JSON.stringify(row)}).children].map((td) => {
      const box = [...td.querySelectorAll('*'), td].reduce((r, el) => {
        const b = el.getBoundingClientRect();
        if (b.width === 0 || b.height === 0) return r; // a hidden input has no box
        return { left: Math.min(r.left, b.left), right: Math.max(r.right, b.right),
          top: Math.min(r.top, b.top), bottom: Math.max(r.bottom, b.bottom) };
      }, { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity });
      return { name: td.dataset.label || td.localName, box };
    });
    const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    return cells.flatMap((a, i) => cells.slice(i + 1).filter((b) => hit(a.box, b.box)).map((b) => a.name + ' / ' + b.name));
  })()`);
}

async function signIn(page: Page, operator: string) {
  await page.goto(`${gw.url}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', DEV_PASSWORDS[operator]!);
  await page.click('#sign-in');
  await page.waitForURL(`${gw.url}/console/`);
}

describe('failed portal callbacks in the console', () => {
  it('lists them from the overview, each linked to its case, its last error masked, at 1280 and 390 px', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signIn(page, 'operator-dev');
    await page.click('#failed-callbacks-link');
    await page.waitForURL(`${gw.url}/console/callbacks/failed`);
    const row = page.locator(`tr[data-callback="${callbackId}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('ROUTED');
    expect(text).toContain('127.0.0.1:9');
    expect(text).not.toContain('token');
    expect(text).toContain('portal answered 503');
    expect(text).not.toContain(PHONE_NUMBER);
    expect(await row.locator(`a[href="/console/cases/${caseId}"]`).count()).toBe(1);
    await browser.shot('console-callbacks-failed-1280');
    await page.setViewportSize(PHONE);
    expect(await scrolledSideways(page)).toEqual([]);
    // Stacked, the case id has the row's width: beside the callback cell it ran over its text.
    expect(await overlaps(page, `tr[data-callback="${callbackId}"]`)).toEqual([]);
    await browser.shot('console-callbacks-failed-390', 'css');
    await page.setViewportSize(DESKTOP);
  });

  it('replays one with its 8 attempts again, audited, landing with the focus on 已重新排队 and Tab on its case', async () => {
    const { page } = browser;
    await page.click(`button[data-replay="${callbackId}"]`);
    await page.locator('#replayed').waitFor();
    expect(await focusArrives(page, 'replayed')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.getAttribute("href")')).toBe(
      `/console/cases/${caseId}`,
    );
    expect(await page.locator(`tr[data-callback="${callbackId}"]`).count()).toBe(0);
    const job = await gw.services.callbacks.queue.getJob(callbackId);
    expect(await job?.getState()).not.toBe('failed');
    expect(job?.attemptsMade).toBe(0);
    const replays = (await gw.services.audit.page({ action: 'callback.replay' })).items;
    expect(replays).toContainEqual(
      expect.objectContaining({ actor: 'operator-dev', target: callbackId, outcome: 'ok' }),
    );
    await browser.shot('console-callbacks-replayed-1280');
  });

  it('shows an operator without replay the list with no replay button', async () => {
    const { page } = browser;
    await failedCallback(`status-${caseId}-4`, 'portal answered 502');
    await browser.context.clearCookies();
    await signIn(page, 'operator-readonly');
    await page.goto(`${gw.url}/console/callbacks/failed`);
    await page.locator(`tr[data-callback="status-${caseId}-4"]`).waitFor();
    expect(await page.locator('button[data-replay]').count()).toBe(0);
  });
});
