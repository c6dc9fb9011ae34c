// 接入客户端 in a real Chromium (gateway/console/README.md#pages): the registered clients and, for
// each client mid-rotation, when the old and the new secret were last accepted (China time, minutes
// ago, which gateway) and whether step 4 may go ahead (README.md#rotating-a-clients-secret). portal-sc
// signs with its old secret now (wait); portal-gz's old secret was last accepted 90 minutes ago by
// another gateway — written as that gateway's record — and its new one since (step 4 may go ahead).
// Read by an operator without rights, at 1280 and 390 px, with no secret anywhere in the page.
// Screenshots: tests/browser/screenshots/console-clients-*.png.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import { chinaTime } from '../../gateway/shared/china-time.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { DEV_PASSWORDS } from '../support/console-client.ts';
import { DEV_CLIENTS, neverShown, rotationClientsFile } from '../support/rotation-clients.ts';
import { waitFor } from '../support/redis.ts';
import { allStarted } from '../support/settled.ts';
import { DESKTOP, launchBrowser, PHONE, type TestBrowser } from './support/browser.ts';
import { scrolledSideways } from './support/page-measures.ts';

const SC_OLD = randomBytes(24).toString('base64url');
const SC_NEW = randomBytes(24).toString('base64url');
const GZ_OLD = randomBytes(24).toString('base64url');
const GZ_NEW = randomBytes(24).toString('base64url');
const SECRETS = neverShown(SC_OLD, SC_NEW, GZ_OLD, GZ_NEW);
const READ = '/v1/catalogue/items/SW-005';
const GZ_OLD_USE = Date.now() - 90 * 60_000;

let browser: TestBrowser;
let gw: ApiGateway;

async function read(clientId: string, secret: string): Promise<void> {
  const res = await fetch(`${gw.url}${READ}`, {
    headers: signRequest({ clientId, secret }, { method: 'GET', url: READ }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-console-clients-'));
  await allStarted([
    launchBrowser().then((b) => (browser = b)),
    startApiGateway({
      GW_CLIENTS_FILE: rotationClientsFile(dir, {
        'portal-sc': { secret: SC_NEW, previousSecret: SC_OLD },
        'portal-gz': { secret: GZ_NEW, previousSecret: GZ_OLD },
      }),
    }).then((g) => (gw = g)),
  ]);
  const { redis } = gw.services;
  const keys = redisKeys(gw.config.keyPrefix);
  // What another gateway process recorded when it accepted portal-gz's old secret.
  await redis.zadd(keys.secretUse('portal-gz'), GZ_OLD_USE, 'previous|other-host/42');
  await read('portal-sc', SC_OLD);
  await read('portal-gz', GZ_NEW);
  await waitFor(
    async () =>
      (await redis.exists(keys.secretUse('portal-sc'))) === 1 &&
      (await redis.zcard(keys.secretUse('portal-gz'))) === 2,
    { what: 'both uses recorded' },
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

describe('接入客户端 in the console', () => {
  it('shows a read-only operator every client and each rotation, old secret in use or quiet, at 1280 and 390 px, with no secret', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${gw.url}/console/sign-in`);
    await page.fill('#operator', 'operator-readonly');
    await page.fill('#password', DEV_PASSWORDS['operator-readonly']!);
    await page.click('#sign-in');
    await page.waitForURL(`${gw.url}/console/`);
    await page.click('[data-nav="clients"]');
    await page.waitForURL(`${gw.url}/console/clients`);
    expect(await page.locator('nav a.active').innerText()).toContain('接入客户端');
    expect(await page.locator('#clients tbody tr').count()).toBe(DEV_CLIENTS.length);
    expect(await page.locator('tr[data-client="province-yn"]').innerText()).toMatch(
      /省级平台[\s\S]*云南[\s\S]*53[\s\S]*yn/,
    );
    expect(await page.locator('tr[data-client] [data-previous-secret]').count()).toBe(2);

    const sc = page.locator('[data-rotation="portal-sc"]');
    expect(await sc.locator('[data-progress="old-in-use"]').innerText()).toMatch(
      /^旧密钥(不到 1 分钟前| [0-9] 分钟前)仍被使用/,
    );
    expect(await sc.locator('[data-use="current"]').innerText()).toContain('未记录');
    expect(await sc.locator('[data-use="previous"]').innerText()).toMatch(
      /(不到 1 分钟前|[0-9] 分钟前)/,
    );
    expect(await sc.locator('[data-use="previous"]').innerText()).not.toContain(' 0 分钟前');
    const scOld = await sc.locator('[data-use="previous"]').getAttribute('data-at');
    expect(await sc.locator('[data-use="previous"]').innerText()).toContain(chinaTime(scOld));

    const gz = page.locator('[data-rotation="portal-gz"]');
    const gzOld = gz.locator('[data-use="previous"]');
    expect(await gzOld.innerText()).toContain(chinaTime(new Date(GZ_OLD_USE).toISOString()));
    expect(await gzOld.innerText()).toMatch(/9[01] 分钟前/);
    expect(await gzOld.innerText()).toContain('other-host/42');
    expect(await gz.locator('[data-progress="ready"]').innerText()).toMatch(
      /旧密钥已 9[01] 分钟未被使用：可以执行第 4 步（删除旧密钥）/,
    );
    expect(await page.locator('[data-rotation]').count()).toBe(2);

    const markup = await page.content();
    for (const secret of SECRETS) expect(markup).not.toContain(secret);
    await browser.shot('console-clients-1280');
    await page.setViewportSize(PHONE);
    expect(await scrolledSideways(page)).toEqual([]);
    await browser.shot('console-clients-390', 'css');
    await browser.shot('console-clients-390-rotations', 'css', 'viewport');
    await page.setViewportSize(DESKTOP);
  });
});
