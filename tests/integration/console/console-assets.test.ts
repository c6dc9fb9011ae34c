// The console's stylesheet and scripts after a deploy (gateway/console/README.md#assets): every
// page links them by a URL carrying the hash of the file's current bytes, that URL is cacheable
// for a year as immutable, and any other URL for the file (none, or a previous release's hash)
// still serves it but is revalidated every time — so an open browser never keeps an old script
// against a new page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { expectCurrentHash, pageAssetUrls } from '../../support/asset-links.ts';
import { ConsoleClient } from '../../support/console-client.ts';

const ASSETS = projectPath('gateway', 'console', 'assets');
const BASE = '/console/assets';

let gw: ApiGateway;
let dev: ConsoleClient;
beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** The asset URLs on the sign-in page, a signed-in page, the draft editor and the 404 page. */
async function linkedAssets(): Promise<string[]> {
  const signIn = await new ConsoleClient(gw.url).get('/console/sign-in');
  const pages = [signIn.text];
  for (const path of ['/console/', '/console/catalogue/drafts/new', '/console/no-such-page'])
    pages.push((await dev.get(path)).text);
  return pages.flatMap(pageAssetUrls);
}

describe('console assets', () => {
  it('are linked from every page by a URL carrying the sha256 of the file’s current bytes', async () => {
    const urls = await linkedAssets();
    const names = urls.map((url) => expectCurrentHash(url, BASE, ASSETS));
    expect(new Set(names)).toEqual(new Set(['console.css', 'catalogue-editor.js']));
  });

  it('answer their versioned URL with the file’s bytes, cacheable for a year as immutable', async () => {
    for (const url of new Set(await linkedAssets())) {
      const res = await fetch(`${gw.url}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      const name = new URL(url, gw.url).pathname.slice(BASE.length + 1);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(ASSETS, name)))).toBe(
        true,
      );
    }
  });

  it('serve an unversioned or outdated URL with the current bytes, revalidated rather than immutable', async () => {
    const current = readFileSync(join(ASSETS, 'catalogue-editor.js'));
    for (const url of [
      `${BASE}/catalogue-editor.js`,
      `${BASE}/catalogue-editor.js?v=000000000000`,
      `${BASE}/catalogue-editor.js?v=`,
    ]) {
      const res = await fetch(`${gw.url}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('cache-control'), url).toBe('no-cache');
      expect(Buffer.from(await res.arrayBuffer()).equals(current), url).toBe(true);
    }
  });
});
