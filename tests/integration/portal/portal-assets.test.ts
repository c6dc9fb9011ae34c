// The portal's scripts and stylesheets after a deploy (README.md#the-taxpayer-portal), served from
// a copy of portal/assets in a temp dir: every page links them by a URL carrying the hash of the
// file's current bytes, cacheable for a year as immutable; any other URL for the file is served but
// revalidated; and the release that changes a file's bytes links it by a new URL.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { VersionedAssets } from '../../../gateway/shared/versioned-assets.ts';
import { Pages } from '../../../portal/server/html.ts';
import type { PortalConfig } from '../../../portal/server/portal-config.ts';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { expectCurrentHash, pageAssetUrls } from '../../support/asset-links.ts';
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

describe('portal assets', () => {
  it('are linked from every page by a URL carrying the sha256 of the file’s current bytes', async () => {
    const names = (await linkedAssets()).map((u) => expectCurrentHash(u, BASE, dir));
    expect(new Set(names)).toEqual(
      new Set([
        'portal.css',
        'form.css',
        'case.css',
        'receipt.css',
        'print.css',
        'pay.js',
        'case.js',
      ]),
    );
  });

  it('are linked by versioned URLs from every page template, the receipt’s included', () => {
    const pages = new Pages(new VersionedAssets(dir, BASE));
    const names = readdirSync(projectPath('portal', 'pages'))
      .map((file) => file.replace(/\.html$/, ''))
      .filter((name) => name !== 'layout') as Parameters<Pages['render']>[0][];
    const urls = names.flatMap((name) => pageAssetUrls(pages.render(name, { title: name })));
    const linked = new Set(urls.map((u) => expectCurrentHash(u, BASE, dir)));
    expect(linked.has('receipt.js')).toBe(true);
  });

  it('answer their versioned URL with the file’s bytes, cacheable for a year as immutable', async () => {
    for (const u of new Set(await linkedAssets())) {
      const res = await fetch(`${url}${u}`);
      expect(res.status, u).toBe(200);
      expect(res.headers.get('cache-control'), u).toBe('public, max-age=31536000, immutable');
      const name = new URL(u, url).pathname.slice(BASE.length + 1);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(dir, name))), u).toBe(
        true,
      );
    }
  });

  it('serve an unversioned or outdated URL with the current bytes, revalidated rather than immutable', async () => {
    for (const u of [`${BASE}/api.js`, `${BASE}/pay.js`, `${BASE}/pay.js?v=000000000000`]) {
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
    after.forEach((u) => expectCurrentHash(u, BASE, dir));
    // The URLs only one release links: the old and the new pay.js, nothing else.
    const differing = [...before, ...after].filter(
      (u) => !before.includes(u) || !after.includes(u),
    );
    expect(new Set(differing.map((u) => u.split('?')[0]))).toEqual(new Set([`${BASE}/pay.js`]));
    const oldPay = before.find((u) => u.startsWith(`${BASE}/pay.js?`))!;
    const stale = await fetch(`${url}${oldPay}`);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    expect(await stale.text()).toBe(readFileSync(join(dir, 'pay.js'), 'utf8'));
  });
});
