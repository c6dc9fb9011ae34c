// An operator's schema change published from the console and served by every gateway (README.md
// "Operator console"; gateway/README.md#live-reload): two gateway processes (gateway/main.ts) on
// one Redis. operator-dev, signed in to the first in Chromium, drafts a change to GA-001 — a new
// optional field and a longer maxLength — saves, validates and submits it; operator-dev-2, signed
// in to the second, approves it from the review queue; both processes then serve version 2 within
// a second. The item page says who published it and from which draft, and the draft's audit
// entries say who changed and who approved it, at 1280 px and at 390 px without sideways
// scrolling. The change is breaking (a pattern added): Approve and publish says so beside it, with
// what that means for portals pinned to v1. Screenshots: tests/browser/screenshots/publish-two-gateways-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import { devSecret } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { uniquePrefix, waitFor } from '../support/redis.ts';
import { allStarted } from '../support/settled.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { authorSubmitsDraft } from './support/console-drafts.ts';
import { pasteText } from './support/paste-text.ts';
import { inViewport, scrolledSideways as sideways } from './support/page-measures.ts';

let first: GatewayProcess;
let second: GatewayProcess;
let author: TestBrowser;
let reviewer: TestBrowser;
let draftId = '';

beforeAll(async () => {
  const prefix = uniquePrefix('publish2');
  // Each compiles the whole catalogue at start: on a loaded machine that takes a while.
  const slow = { readyWithinMs: 90_000 };
  const env = { GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' };
  // The browsers start while the gateways do; the second gateway after the first, which seeds
  // the catalogue's first revision in Redis (as tests/integration/catalogue/two-gateways.test.ts).
  await allStarted([
    startGatewayProcess(prefix, env, slow)
      .then((g) => (first = g))
      .then(() => startGatewayProcess(prefix, env, slow))
      .then((g) => (second = g)),
    launchBrowser().then((b) => (author = b)),
    launchBrowser().then((b) => (reviewer = b)),
  ]);
}, 240_000);
afterAll(async () => {
  await author?.close();
  await reviewer?.close();
  await Promise.all([first, second].map((g) => g?.stop()));
});

async function signIn(page: Page, base: string, operator: string) {
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#operator', operator);
  await page.fill('#password', DEV_PASSWORDS[operator]!);
  await page.click('#sign-in');
  await page.waitForURL(`${base}/console/`);
}

interface Served {
  version: number;
  schema: {
    properties: Record<string, unknown> & {
      holder: { properties: { ethnicity: { maxLength: number } } };
    };
  };
}

async function served(gateway: GatewayProcess): Promise<Served> {
  const client = new GatewayClient(gateway.url, {
    clientId: 'portal-sc',
    secret: devSecret('portal-sc'),
  });
  return (await client.request<Served>('GET', '/v1/catalogue/items/GA-001')).body;
}

/** operator-dev on the first gateway: a new optional field and a longer maxLength, submitted. */
async function draftAndSubmit() {
  const { page } = author;
  await signIn(page, first.url, 'operator-dev');
  await page.goto(`${first.url}/console/catalogue/items/GA-001`);
  await page.click('#draft-start');
  await page.waitForURL(/\/console\/catalogue\/drafts\/[0-9A-Za-z]+$/);
  draftId = page.url().split('/').pop()!;
  await page.locator('#check-result[data-unchanged="true"]').waitFor();
  const doc = JSON.parse(await page.inputValue('#draft-document')) as {
    schema: {
      properties: Record<string, unknown> & { holder: { properties: { ethnicity: object } } };
    };
  };
  doc.schema.properties.remark = { title: '备注', type: 'string', maxLength: 50 };
  doc.schema.properties.holder.properties.ethnicity = {
    ...doc.schema.properties.holder.properties.ethnicity,
    maxLength: 20,
    pattern: '^[\\u4e00-\\u9fa5]{1,20}$',
  };
  await pasteText(page, '#draft-document', JSON.stringify(doc, null, 2));
  await page.locator('#check-result[data-ok="true"]').waitFor();
  expect(await page.locator('#compat-changes').innerText()).toContain('/payload/remark');
  await authorSubmitsDraft(page, '增加备注字段，民族最长 20 字');
  await author.shot('publish-two-gateways-01-submitted');
}

/**
 * The draft adds a pattern (breaking): beside Approve and publish, at 1280 and at 390 px, the
 * approver reads that it is breaking and what it means for portals — v1 accepted until its sunset
 * (GW_CATALOGUE_SUNSET_DAYS, 90 by default), then refused — in sight with the button, which is
 * described by it; the draft page (its compatibility report) does not scroll sideways.
 */
async function breakingSaidBesideApprove(page: Page) {
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    const warning = page.locator('#approve-breaking');
    expect(await warning.innerText()).toMatch(
      /不兼容变更[\s\S]*v1[\s\S]*90 天[\s\S]*GW_ITEM_VERSION_RETIRED[\s\S]*v2/,
    );
    expect(await page.getAttribute('#draft-approve', 'aria-describedby')).toBe('approve-breaking');
    await page.locator('#draft-approve').scrollIntoViewIfNeeded();
    expect(await inViewport(page, '#approve-breaking'), `${size.width}`).toBe(true);
    expect(await inViewport(page, '#draft-approve'), `${size.width}`).toBe(true);
    expect(await sideways(page), `${size.width}`).toEqual([]);
    await reviewer.shot(`publish-two-gateways-02-approve-breaking-${size.width}`, 'css');
  }
  await page.setViewportSize(DESKTOP);
}

/** operator-dev-2 on the second gateway approves; both gateways serve version 2 within a second. */
async function approveOnTheOther() {
  const { page } = reviewer;
  await signIn(page, second.url, 'operator-dev-2');
  await page.goto(`${second.url}/console/catalogue/review`);
  await page.locator(`tr[data-draft="${draftId}"] a`).click();
  await page.locator('#compat-changes').waitFor();
  await reviewer.shot('publish-two-gateways-02-review');
  await breakingSaidBesideApprove(page);
  await page.click('#draft-approve');
  // The confirmation names the version and says the breaking change's consequence again.
  expect(await page.locator('#approve-summary').getAttribute('data-publishes')).toBe('v2');
  expect(await page.getAttribute('#approve-confirm', 'aria-describedby')).toBe(
    'approve-summary approve-breaking',
  );
  await reviewer.shot('publish-two-gateways-02b-approve-confirm');
  await page.click('#approve-confirm');
  await page.locator('#published').waitFor();
  await waitFor(
    async () => {
      const both = await Promise.all([served(first), served(second)]);
      return both.every(
        (item) =>
          item.version === 2 &&
          'remark' in item.schema.properties &&
          item.schema.properties.holder.properties.ethnicity.maxLength === 20,
      );
    },
    { timeoutMs: 1000, intervalMs: 10, what: 'version 2 served by both gateway processes' },
  );
}

describe('a schema change published from the console', () => {
  it('drafted on one gateway and approved on the other is served by both within a second; the item page says who published it from which draft, and the draft’s audit entries who changed and approved it, at 1280 and 390 px', async () => {
    await draftAndSubmit();
    await approveOnTheOther();
    const { page } = author;
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await page.goto(`${first.url}/console/catalogue/items/GA-001`);
      const v2 = page.locator('#item-versions tr[data-version="2"]');
      expect(await v2.innerText()).toContain('operator-dev-2');
      await author.shot(`publish-two-gateways-03-item-${size.width}`, 'css');
      // The field and invalid-example tables too: at 390 px they stack (they scrolled sideways).
      expect(await sideways(page), `${size.width}`).toEqual([]);
      await v2.locator(`a[data-draft="${draftId}"]`).click();
      await page.click('#draft-audit');
      await page.waitForURL(/\/console\/audit\?target=/);
      const actions = await page
        .locator('#audit-entries tr[data-outcome="ok"]')
        .evaluateAll((rows) =>
          rows.map((r) => (r as unknown as { dataset: { action: string } }).dataset.action),
        );
      expect(actions).toEqual(
        expect.arrayContaining([
          'catalogue.draft.update',
          'catalogue.draft.submit',
          'catalogue.draft.approve',
        ]),
      );
      expect(await sideways(page), `${size.width}`).toEqual([]);
      await author.shot(`publish-two-gateways-04-audit-${size.width}`, 'css');
    }
    await page.setViewportSize(DESKTOP);
  }, 180_000);
});
