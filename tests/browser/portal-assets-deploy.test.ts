// A deploy as a taxpayer's browser meets it (README.md#the-taxpayer-portal, after a deploy): Chromium
// opens the payment form — its script, the modules it imports, labels.json it fetches — from a
// portal serving a copy of portal/assets; the portal is replaced on the same address by a release
// whose labels.json differs, and the form opened again shows the new label: labels.json and every
// script on the way to it are fetched anew, under new URLs, while the unchanged modules come from
// the browser's cache. What the browser loaded and from where is read over the DevTools protocol.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import type { PortalConfig } from '../../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../../portal/server/portal-process.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { testPortalConfig } from '../support/portal-config.ts';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { field, logIn } from './support/taxpayer-path.ts';

let browser: TestBrowser;
let gw: ApiGateway;
let dir: string;
let config: PortalConfig;
let portal: RunningPortal | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  gw = await startApiGateway();
  dir = mkdtempSync(join(tmpdir(), 'portal-deploy-'));
  cpSync(projectPath('portal', 'assets'), dir, { recursive: true });
  // One address for both releases, as behind the province's proxy: the browser's cache is per origin.
  config = testPortalConfig({ PORTAL_GATEWAY_URL: gw.url, PORTAL_PORT: String(await freePort()) });
  portal = await startPortal({ config, assetsDir: dir });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Load {
  /** Path and query under /assets. */
  readonly url: string;
  /** Answered from the browser's memory or disk cache, without a request to the portal. */
  cached: boolean;
}

/** Opens the payment form and waits for its first line's 征收项目 to read `label`; what it loaded. */
async function openForm(label: string): Promise<Map<string, Load>> {
  const { page } = browser;
  const cdp = await browser.context.newCDPSession(page);
  const loads = new Map<string, Load>();
  const byId = new Map<string, Load>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    if (!url.pathname.startsWith('/assets/')) return;
    const load = { url: `${url.pathname}${url.search}`, cached: false };
    byId.set(e.requestId, load);
    loads.set(url.pathname.slice('/assets/'.length), load);
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const load = byId.get(e.requestId);
    if (load) load.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const load = byId.get(e.requestId);
    if (load && e.response.fromDiskCache) load.cached = true;
  });
  await cdp.send('Network.enable');
  await page.goto(`${portal!.url}/pay`);
  const item = page.locator(
    `${field('/payload/lines/0/collectionItemCode')} option[value="10101"]`,
  );
  await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain(label);
  await cdp.detach();
  return loads;
}

describe('the portal after a deploy', () => {
  it('loads every asset of the payment form by a versioned URL; after labels.json changes it fetches labels.json and the scripts reaching it anew, under new URLs, and takes the unchanged modules from its cache', async () => {
    await logIn(browser.page, portal!.url);
    const first = await openForm('增值税');
    expect([...first.keys()]).toEqual(
      expect.arrayContaining(['pay.js', 'api.js', 'money.js', 'schema-form.js', 'labels.json']),
    );
    for (const [name, load] of first) expect(load.url, name).toMatch(/\?v=[0-9a-f]{12}$/);

    // The next release: the same address, one label renamed.
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, readFileSync(labels, 'utf8').replace('"增值税"', '"增值税（新）"'));
    await portal!.stop();
    portal = await startPortal({ config, assetsDir: dir });

    const second = await openForm('增值税（新）');
    for (const name of ['labels.json', 'api.js', 'pay.js']) {
      expect(second.get(name)?.url, name).not.toBe(first.get(name)!.url);
      expect(second.get(name)?.cached, name).toBe(false);
    }
    for (const name of ['money.js', 'schema-form.js']) {
      expect(second.get(name)?.url, name).toBe(first.get(name)!.url);
      expect(second.get(name)?.cached, name).toBe(true);
    }
  }, 60_000);
});
