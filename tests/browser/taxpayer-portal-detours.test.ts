// The taxpayer portal's other pages on a phone and from the keyboard (README.md#browser-tests): a
// payment the bank refuses (余额不足) and its pre-filled retry, a payment the 经营地 asks to correct
// (CORRECTION_REQUIRED) and its corrected resubmission, the pages shown when the portal cannot
// reach the gateway (PORTAL_GATEWAY_UNREACHABLE: a rating or a payment sent, the form, a case and
// its receipt opened) and the page shown when the portal's own store fails (unavailable.html) —
// walked by taps on a 375 px touch phone, each page checked at 375 and 320 px, and walked again
// with the keyboard alone. The same standards as the main path's
// walk (taxpayer-portal-phone.test.ts): nothing wider than the screen or cut, identifiers and
// amounts on one line, controls named and 44 px tall, no text under 14 px, focus shown at every
// Tab stop, and a live outcome announced. Screenshots: tests/browser/screenshots/detour-*.png.
// The two walks run side by side, each in a browser of its own with its own gated portal: each
// spends most of its time waiting on the system (a payment's outcome, the case page's retry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../portal/server/portal-process.ts';
import { startE2eSystem, type E2eSystem } from '../e2e/support/system.ts';
import { testPortalConfig } from '../support/portal-config.ts';
import { startGatewayGate, type GatewayGate } from '../support/gateway-gate.ts';
import { ownRedis } from '../support/redis.ts';
import { allStarted } from '../support/settled.ts';
import { accessibleOf } from './support/accessibility.ts';
import { launchBrowser, PHONE_DEVICE, type TestBrowser } from './support/browser.ts';
import {
  clippedText,
  controlSizes,
  headerRows,
  inViewport,
  linesOf,
  liveRegionOf,
  pageWidth,
  textUnder,
} from './support/page-measures.ts';
import { pressByKeyboard, tabStops } from './support/keyboard.ts';
import { maskAccount } from '../../gateway/personal-data/masks.ts';
import { DETOURS, OTHER_ACCOUNT, walkDetours, type Detour } from './support/taxpayer-detours.ts';
import { UNREACHABLE, walkUnreachable, type Unreachable } from './support/taxpayer-unreachable.ts';

const WIDTHS = [375, 320] as const;
type Stop = Detour | Unreachable | 'unavailable';

let phone: TestBrowser;
let desk: TestBrowser;
let sys: E2eSystem;
let portal = '';
/** A second portal on a Redis of its own, which the test stops: its store fails. */
let failing: RunningPortal;
/** A portal on the first one's store whose calls to the gateway pass a gate the walk shuts. */
interface Gated {
  readonly gate: GatewayGate;
  readonly portal: RunningPortal;
}
/** One for each walk: each shuts and opens its own gate. */
const gated: Gated[] = [];
/** The keyboard walk, started beside the touch walk; its test awaits what it found. */
let keyboardWalk: Promise<KeyboardFound> | undefined;

/** What the touch walk found on each page, at each width; asserted one requirement per test. */
const found = {
  wider: [] as string[],
  broken: [] as string[],
  clipped: [] as string[],
  small: [] as string[],
  unnamed: [] as string[],
  tiny: [] as string[],
  header: [] as string[],
  silent: [] as string[],
  /** A message the taxpayer was not shown where they were: out of the screen as it scrolled. */
  unseen: [] as string[],
  /** How the retried payment's account (16 digits) shows on its case page and its receipt. */
  account: { onCase: '', onReceipt: false, whole: true },
  /** Where the 经营地's correction request is on its case page, and how often. */
  correction: { onPage: 0, inOutcome: false, historyEntries: 0 },
  /** What each page says when the gateway cannot be reached. */
  said: {} as Partial<Record<Unreachable, string>>,
  /** Whether the unreadable case's page showed the history's heading over nothing. */
  headingWithoutCase: undefined as boolean | undefined,
  identifiers: new Set<string>(),
  controls: 0,
  pages: [] as Stop[],
};

async function gatedPortal(): Promise<Gated> {
  const gate = await startGatewayGate(sys.gatewayUrl);
  try {
    const config = testPortalConfig({
      PORTAL_GATEWAY_URL: gate.url,
      PORTAL_REDIS_URL: sys.config.redisUrl,
      PORTAL_REDIS_PREFIX: `${sys.config.keyPrefix}-portal`,
      // The case page's wait before it reads again after the gate shut: three reads fail in a
      // row (the case, its receipt, the case again), so at the default 5 s the page caught up 20 s
      // after the gate opened; from a second, 4 s. It doubles all the same.
      PORTAL_GATEWAY_RETRY_MS: '1000',
    });
    return { gate, portal: await startPortal({ config }) };
  } catch (error) {
    await gate.close();
    throw error;
  }
}

beforeAll(async () => {
  // The browsers start while the system does: both mostly wait.
  await allStarted([
    launchBrowser(undefined, PHONE_DEVICE).then((b) => (phone = b)),
    launchBrowser().then((b) => (desk = b)),
    startE2eSystem(
      'browser-detours',
      {},
      { portalEnv: { PORTAL_PORT: '0', PORTAL_ENV: 'test' } },
    ).then((s) => (sys = s)),
  ]);
  portal = sys.portal!.url;
  const store = await ownRedis('portal-detours-down');
  failing = await startPortal({
    config: testPortalConfig({ PORTAL_GATEWAY_URL: sys.gatewayUrl, PORTAL_REDIS_URL: store.url }),
  });
  // Its store is gone from here on: a login cannot be checked (README.md#the-taxpayer-portal).
  await store.stop();
  await allStarted([0, 1].map(async () => gated.push(await gatedPortal())));
  keyboardWalk = walkByKeyboard(gated[1]!);
  // Its failure is its test's, awaited there.
  keyboardWalk.catch(() => undefined);
}, 90_000);

afterAll(async () => {
  await keyboardWalk?.catch(() => undefined);
  await phone?.close();
  await desk?.close();
  await failing?.stop();
  for (const g of gated) {
    await g.portal.stop();
    await g.gate.close();
  }
  await sys?.stop();
});

/** What a taxpayer copies or reads out: case ids, agreements, accounts, codes, amounts. */
async function identifiersOn(browser: TestBrowser): Promise<string[]> {
  const body = await browser.page.locator('main').innerText();
  const patterns = [
    /\b[0-9A-HJKMNP-TV-Z]{26}\b/g, // case ids
    /\b5303230\d{9}\b/g, // 三方协议号
    /\*{4,}\d{3,}/g, // a bank account or agreement, masked
    /\b\d{3}\*{4}\d{4}\b/g, // a tax bureau's code, masked
    /\bSW-\d{3}\b/g, // an item's code
    /¥[\d,]+\.\d{2}/g, // amounts in yuan
  ];
  return [...new Set(patterns.flatMap((p) => body.match(p) ?? []))];
}

/** Measures the page the phone shows at 375 and 320 px, into `found`. */
async function measure(step: Stop): Promise<void> {
  const { page } = phone;
  found.pages.push(step);
  const problem = UNREACHABLE_MESSAGE[step as Unreachable];
  if (problem && !(await inViewport(page, problem))) found.unseen.push(`${step}: ${problem}`);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 812 });
    const at = `${step} at ${width} px`;
    const { scroll, client } = await pageWidth(page);
    if (scroll > client) found.wider.push(`${at}: ${scroll} px wide`);
    const ids = await identifiersOn(phone);
    for (const [i, lines] of (await linesOf(page, ids)).entries()) {
      found.identifiers.add(ids[i]!);
      if (lines !== 1) found.broken.push(`${at}: ${ids[i]} on ${lines} lines`);
    }
    found.clipped.push(...(await clippedText(page)).map((c) => `${at}: ${c}`));
    found.tiny.push(...(await textUnder(page, 14)).map((t) => `${at}: ${t}`));
    found.header.push(...(await headerRows(page)).map((h) => `${at}: ${h}`));
    const sizes = await controlSizes(page);
    found.controls += sizes.length;
    for (const s of sizes)
      if (s.height < 44 || s.font < 16)
        found.small.push(`${at}: ${s.element} ${s.height.toFixed(1)} px tall, font ${s.font} px`);
    await phone.shot(`detour-${step}-${width}`, 'css');
  }
  // Whether a case id fits depends on its letters: the widest one a case could get, in each
  // related-case line (a resubmission's 本办件重新提交自 …), must fit the narrowest screen too
  // (the loop ends at it).
  if ((await page.locator('#related a').count()) > 0) {
    await page.evaluate(
      `for (const a of document.querySelectorAll('#related a'))
        (a.querySelector('code') ?? a).textContent = '${'MW'.repeat(13)}';`,
    );
    found.clipped.push(
      ...(await clippedText(page)).map((c) => `${step} at ${WIDTHS[1]} px, widest id: ${c}`),
    );
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 812 });
  const named = await accessibleOf(page, 'input:not([type=hidden]), select, textarea, button, a');
  for (const a of named) if (!a.name) found.unnamed.push(`${step}: ${a.element} (${a.role})`);
  // What the case's live outcome says is announced when it appears (the page changes in place).
  if (step === 'failed' || step === 'correction') {
    const live = await liveRegionOf(
      page,
      `#outcome-${step === 'failed' ? 'failed' : 'correction'}`,
    );
    if (!live) found.silent.push(`${step}: the outcome is in no live region`);
  }
  if (step === 'retried') {
    const paid = await page.locator('#outcome-paid').innerText();
    const receipt = await (await page.request.get(`${page.url()}/receipt`)).text();
    found.account = {
      onCase: /扣款账户\s+(\S+)/.exec(paid)?.[1] ?? '',
      // Its text, the tags out (the bracketed 行号 is a span of its own).
      onReceipt: receipt.replace(/<[^>]*>/g, '').includes(`${maskAccount(OTHER_ACCOUNT)}（行号`),
      whole: [paid, receipt].some((text) => text.includes(OTHER_ACCOUNT)),
    };
  }
  if (step === 'correction') {
    // The sandbox's request begins so (adapters/kit/tax-core/decide-payment.ts, authority-mismatch).
    const request = '所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致';
    found.correction = {
      onPage: (await page.locator('main').innerText()).split(request).length - 1,
      inOutcome: (await page.locator('#outcome-correction').innerText()).includes(request),
      historyEntries: await page.locator('#history li', { hasText: '需补正' }).count(),
    };
  }
  if (step === 'unreachable-case')
    found.headingWithoutCase = await page.locator('h2', { hasText: '办理过程' }).isVisible();
  if (problem) {
    found.said[step as Unreachable] = await page.locator(problem).innerText();
    if (!(await liveRegionOf(page, problem)))
      found.silent.push(`${step}: ${problem} is in no live region`);
  }
}

/** Where each page says that the gateway cannot be reached. */
const UNREACHABLE_MESSAGE: Readonly<Record<Unreachable, string>> = {
  'unreachable-rating': '#rating-message',
  'unreachable-payment': '#form-problems',
  'unreachable-form': '#form-problems',
  'unreachable-case': '#case-problem',
  'unreachable-receipt': '#receipt-problem',
};

/** Signs in on the portal whose store has failed: its 503 page, unavailable.html. */
async function openUnavailable(browser: TestBrowser, press: (selector: string) => Promise<void>) {
  const { page } = browser;
  await page.context().clearCookies();
  await page.goto(`${failing.url}/login`);
  await page.fill('#login', 'shudao');
  await page.fill('#password', 'shudao-2026');
  const answered = page.waitForResponse((r) => r.url() === `${failing.url}/login`);
  await press('button[type=submit]');
  expect((await answered).status()).toBe(503);
  await page.locator('h1', { hasText: '服务暂时不可用' }).waitFor();
}

interface KeyboardFound {
  /** Stops without an outline of at least 2 px (or a shadow), or outlined outside the screen. */
  readonly hidden: string[];
  /** How many Tab stops each page has. */
  readonly counted: Partial<Record<Stop, number>>;
}

/** The keyboard walk at 320 px: every page's Tab stops, each press made by Tab and Enter. */
async function walkByKeyboard({ gate, portal: viaGate }: Gated): Promise<KeyboardFound> {
  const { page } = desk;
  await page.setViewportSize({ width: 320, height: 812 });
  const hidden: string[] = [];
  const counted: Partial<Record<Stop, number>> = {};
  const at = async (step: Stop) => {
    const stops = await tabStops(page);
    counted[step] = stops.length;
    for (const s of stops) {
      if (!((s.outline !== 'none' && s.outlineWidth >= 2) || s.shadow !== 'none'))
        hidden.push(`${step}: ${s.element} (outline ${s.outline} ${s.outlineWidth} px)`);
      else if (s.left < 0 || s.right > 320)
        hidden.push(`${step}: ${s.element} outlined from ${s.left} to ${s.right} px`);
    }
    await desk.shot(`detour-keyboard-${step}`);
  };
  const press = (s: string) => pressByKeyboard(page, s);
  await walkDetours({ page, portal, press, at });
  await walkUnreachable({
    page,
    portal: viaGate.url,
    gate,
    press,
    choose: (id) => pressByKeyboard(page, `#${id}`, ' '),
    at,
  });
  await openUnavailable(desk, press);
  await at('unavailable');
  return { hidden, counted };
}

describe('the taxpayer portal’s detours on a touch phone', () => {
  beforeAll(async () => {
    await walkDetours({
      page: phone.page,
      portal,
      press: (s) => phone.page.tap(s),
      at: measure,
    });
    await walkUnreachable({
      page: phone.page,
      portal: gated[0]!.portal.url,
      gate: gated[0]!.gate,
      press: (s) => phone.page.tap(s),
      choose: (id) => phone.page.tap(`label[for="${id}"]`),
      at: measure,
    });
    await openUnavailable(phone, (s) => phone.page.tap(s));
    await measure('unavailable');
    // The walk met every page, and the things to check were on them.
    expect(found.pages).toEqual([...DETOURS, ...UNREACHABLE, 'unavailable']);
    const ids = [...found.identifiers];
    expect(ids.some((id) => id.length === 26)).toBe(true);
    expect(ids).toEqual(expect.arrayContaining(['5303230002000001', '¥38,400.00', 'SW-009']));
  }, 120_000);

  it('keeps each page within a 375 px and a 320 px screen: nothing scrolls sideways, no text runs out of its box or is cut', () => {
    expect(found.wider).toEqual([]);
    expect(found.clipped).toEqual([]);
  });

  it('keeps every case id, agreement number, code and amount on one line, in text no smaller than 14 px', () => {
    expect(found.broken).toEqual([]);
    expect(found.tiny).toEqual([]);
  });

  it('gives every control a name a screen reader reads, a tap target at least 44 px tall and fields a 16 px font', () => {
    expect(found.controls).toBeGreaterThan(30);
    expect(found.unnamed).toEqual([]);
    expect(found.small).toEqual([]);
  });

  it('lays the header out deliberately at 375 and 320 px: the brand on one line, under it the enterprise at the left and 退出 at the right', () => {
    expect(found.header).toEqual([]);
  });

  it('announces a failed deduction and a correction request as they arrive, and that the platform cannot be reached (a live region)', () => {
    expect(found.silent).toEqual([]);
  });

  it('shows a bank account of another length as the gateway masks a bank account (its maskAccount: the last 4), on the case page and the receipt, never whole', () => {
    expect(found.account).toEqual({
      onCase: maskAccount(OTHER_ACCOUNT),
      onReceipt: true,
      whole: false,
    });
    expect(found.account.onCase).toBe(`${'*'.repeat(12)}2345`);
  });

  it('shows the 经营地’s correction request once, in the outcome box, and keeps its 需补正 entry in the history', () => {
    expect(found.correction).toEqual({ onPage: 1, inOutcome: true, historyEntries: 1 });
  });

  it('says on each page met while the gateway cannot be reached that the platform cannot be reached, and a resend of a payment or a rating counts once', () => {
    expect(Object.keys(found.said).sort()).toEqual([...UNREACHABLE].sort());
    for (const said of Object.values(found.said))
      expect(said).toContain('暂时无法连接跨省通办平台');
    expect(found.said['unreachable-payment']).toContain('同一笔缴款只会受理一次');
    expect(found.said['unreachable-rating']).toContain('评价只记一次');
    expect(found.unseen).toEqual([]);
  });

  it('heads no empty 办理过程 on a case page whose case cannot be read', () => {
    expect(found.headingWithoutCase).toBe(false);
  });
});

describe('the taxpayer portal’s detours with the keyboard alone', () => {
  it('at 320 px, reaches every button by Tab and shows an outline at least 2 px wide, within the screen, on every stop of each page', async () => {
    const { hidden, counted } = await keyboardWalk!;
    expect(hidden).toEqual([]);
    // The walk went through the pages' controls, not around them.
    expect(counted.failed).toBeGreaterThanOrEqual(3);
    expect(counted.retry).toBeGreaterThan(20);
  }, 120_000);
});
