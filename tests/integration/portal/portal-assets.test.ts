// The portal's scripts and stylesheets after a deploy (README.md#the-taxpayer-portal), served from
// a copy of portal/assets in a temp dir: every page links them, and their scripts import modules
// and fetch labels.json, by a URL carrying the hash of what it serves, cacheable for a year as
// immutable; any other URL for the file is served but revalidated; and the release that changes a
// file's bytes gives it, and every script reaching it, a new URL.
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { VersionedAssets } from '../../../gateway/shared/versioned-assets.ts';
import { Pages } from '../../../portal/server/html.ts';
import type { PortalConfig } from '../../../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { expectCurrentGraph, pageAssetUrls, withoutVersions } from '../../support/asset-links.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';

const BASE = '/assets';
let gw: ApiGateway;
let config: PortalConfig;
let dir: string;
const portals: RunningPortal[] = [];
let url = '';
const { session, call, paymentValues } = portalClient(() => url);
let s: PortalSession;
let caseId: string;

beforeAll(async () => {
  gw = await startApiGateway();
  config = testPortalConfig({ PORTAL_GATEWAY_URL: gw.url });
  dir = mkdtempSync(join(tmpdir(), 'portal-assets-'));
  cpSync(projectPath('portal', 'assets'), dir, { recursive: true });
  portals.push(await startPortal({ config, assetsDir: dir }));
  url = portals[0]!.url;
  s = await session();
  const submitted = await call(s, '/api/payments', {
    values: await paymentValues(s),
    submissionKey: `assets-${Date.now()}`,
  });
  expect(submitted.status).toBe(202);
  caseId = ((await submitted.json()) as { caseId: string }).caseId;
}, 60_000);
afterAll(async () => {
  for (const portal of portals) await portal.stop();
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The asset URLs on the login page, home, the payment form and a case's page. */
async function linkedAssets(): Promise<string[]> {
  const pages = [await (await fetch(`${url}/login`)).text()];
  for (const path of ['/', '/pay', `/cases/${caseId}`]) {
    const res = await call(s, path);
    expect(res.status, path).toBe(200);
    pages.push(await res.text());
  }
  return pages.flatMap(pageAssetUrls);
}

/** Every file the pages load, by name, with the URL it is loaded by: linked, imported, fetched. */
async function loadedGraph(): Promise<Map<string, string>> {
  const reached = new Map<string, string>();
  for (const u of new Set(await linkedAssets()))
    await expectCurrentGraph(url, u, BASE, dir, reached);
  return reached;
}

describe('portal assets', () => {
  it('are linked from every page by a URL carrying the sha256 of what it serves, immutable, and so is every module those scripts import and the JSON they fetch', async () => {
    const linked = (await linkedAssets()).map((u) =>
      new URL(u, url).pathname.slice(BASE.length + 1),
    );
    expect(new Set(linked)).toEqual(
      new Set([
        'portal.css',
        'form.css',
        'case.css',
        'receipt.css',
        'print.css',
        'pay.js',
        'case.js',
        'sign-out.js',
      ]),
    );
    // Reached from pay.js and case.js, by import or by fetch, each by its versioned URL.
    expect([...(await loadedGraph()).keys()]).toEqual(
      expect.arrayContaining(['api.js', 'money.js', 'schema-form.js', 'labels.json']),
    );
  });

  it('are linked by versioned URLs from every page template, the receipt’s included', () => {
    const assets = new VersionedAssets(dir, BASE);
    const pages = new Pages(assets);
    const names = readdirSync(projectPath('portal', 'pages'))
      .map((file) => file.replace(/\.html$/, ''))
      .filter((name) => name !== 'layout') as Parameters<Pages['render']>[0][];
    const urls = names.flatMap((name) => pageAssetUrls(pages.render(name, { title: name })));
    for (const u of urls) expect(u).toMatch(/^\/assets\/[\w.-]+\?v=[0-9a-f]{12}$/);
    expect(urls).toContain(assets.url('receipt.js'));
  });

  it('serve an unversioned or outdated URL with the current bytes, revalidated rather than immutable', async () => {
    for (const u of [
      `${BASE}/api.js`,
      `${BASE}/labels.json`,
      `${BASE}/pay.js`,
      `${BASE}/pay.js?v=000000000000`,
    ]) {
      const res = await fetch(`${url}${u}`);
      expect(res.status, u).toBe(200);
      expect(res.headers.get('cache-control'), u).toBe('no-cache');
    }
  });

  it('link a file by a new URL once its bytes change, the unchanged files by the same URLs', async () => {
    const before = await linkedAssets();
    appendFileSync(join(dir, 'pay.js'), '\n// the next release\n');
    portals.push(await startPortal({ config, assetsDir: dir }));
    url = portals[1]!.url;
    const after = await linkedAssets();
    await loadedGraph();
    // The URLs only one release links: the old and the new pay.js, nothing else.
    const differing = [...before, ...after].filter(
      (u) => !before.includes(u) || !after.includes(u),
    );
    expect(new Set(differing.map((u) => u.split('?')[0]))).toEqual(new Set([`${BASE}/pay.js`]));
    const oldPay = before.find((u) => u.startsWith(`${BASE}/pay.js?`))!;
    const stale = await fetch(`${url}${oldPay}`);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    expect(withoutVersions(await stale.text())).toBe(readFileSync(join(dir, 'pay.js'), 'utf8'));
  });

  it('give labels.json a new URL when it changes, and so api.js, which fetches it, and pay.js and case.js, which import api.js; the other modules keep theirs', async () => {
    const before = await loadedGraph();
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, readFileSync(labels, 'utf8').replace('"增值税"', '"增值税（新）"'));
    portals.push(await startPortal({ config, assetsDir: dir }));
    url = portals[2]!.url;
    const after = await loadedGraph();
    const changed = [...after.keys()].filter((name) => after.get(name) !== before.get(name));
    expect(new Set(changed)).toEqual(new Set(['labels.json', 'api.js', 'pay.js', 'case.js']));
    const fetched = await fetch(`${url}${after.get('labels.json')}`);
    expect(await fetched.text()).toContain('增值税（新）');
  });
});
