// The 数据密钥 pages of the console (gateway/console/README.md#pages, gateway/README.md#key-rotation)
// over HTTP: two cases sealed under k1 and one under k0, read by a gateway listing `k2,k1`. The
// page and its link are for operators holding data-keys only (refusals audited); a POST without
// the CSRF token changes nothing; the census counts k1's envelopes and calls k0 not listed, each of
// its pages audited with its counts; a census in small steps carries its counts through the continue forms to the same verdicts; bad
// cursors, counts and page sizes are 400 pages; the re-seal moves k1's records under k2, lists
// the k0 case as unreadable, is audited page by page under the operator, and the census then
// calls k1 removable; junk in the forms never gets a 500. Real gateways and Redis on one key prefix.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { sealedKeyId } from '../../../gateway/personal-data/sealed-data.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { ownRedis, plainRedis, uniquePrefix } from '../../support/redis.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const LOST = generateDataKeys('k0');
/** generateDataKeys gives `<id>:<key>`, its id made unique (`k1-7efa60`). */
const [k1, k2, k0] = [K1, K2, LOST].map((keys) => keys.split(':')[0]!) as [string, string, string];
const prefix = uniquePrefix('console-keys');
const filler = uniquePrefix('console-keys-filler');
const keys = redisKeys(prefix);
// The census walks every key of its Redis: this file's own, not the run's shared one.
const own = await ownRedis('console-keys');
afterAll(() => own.stop());
const redis = plainRedis(own.url);
const FILLER_KEYS = 3000;
let gw: ApiGateway;
let dev: ConsoleClient;
let readonly: ConsoleClient;
const k1Cases: string[] = [];
let lostCase = '';

async function submitUnder(dataKeys: string, count: number): Promise<string[]> {
  const sealer = await startApiGateway(
    { REDIS_URL: own.url, GW_KEY_PREFIX: prefix, GW_DATA_KEYS: dataKeys },
    { relay: false },
  );
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await sealer.client('portal-sc').submitCase<{
        caseId: string;
      }>(validExample('SW-005'), `console-keys-${Date.now()}-${i}`);
      expect(res.status).toBe(202);
      ids.push(res.body.caseId);
    }
    return ids;
  } finally {
    await sealer.close();
  }
}

beforeAll(async () => {
  k1Cases.push(...(await submitUnder(K1, 2)));
  lostCase = (await submitUnder(LOST, 1))[0]!;
  gw = await startApiGateway(
    {
      REDIS_URL: own.url,
      GW_KEY_PREFIX: prefix,
      GW_DATA_KEYS: `${K2},${K1}`,
      GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    },
    { relay: false },
  );
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 90_000);

afterAll(async () => {
  await gw?.close();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${filler}:*`, 'COUNT', 1000);
    if (found.length) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
});

const envelopeKeyId = async (caseId: string) =>
  sealedKeyId((await redis.getBuffer(keys.envelope(caseId)))!);

/** The census table's row of one key id. */
function keyRow(page: string, keyId: string): string {
  const start = page.indexOf(`<tr data-key="${keyId}"`);
  if (start === -1) return '';
  return page.slice(start, page.indexOf('</tr>', start));
}
const cell = (row: string, name: string) =>
  Number(new RegExp(`data-count="${name}">(\\d+)<`).exec(row)?.[1]);
const verdict = (row: string) => /data-verdict="([a-z-]+)"/.exec(row)?.[1];
const fact = (page: string, id: string) =>
  new RegExp(`id="${id}">([^<]*)<`).exec(page)?.[1]?.trim();
const unescape = (s: string) =>
  s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
/** A hidden field's value in the form with this id. */
function hidden(page: string, formId: string, name: string): string {
  const form = page.slice(page.indexOf(`id="${formId}"`));
  const value = new RegExp(`name="${name}"\\s+value="([^"]*)"`).exec(form)?.[1];
  if (value === undefined) throw new Error(`no ${name} in #${formId}`);
  return unescape(value);
}

describe('the data keys page in the console', () => {
  it('shows the link only to operators holding data-keys, and refuses the others its page, census and re-seal, audited', async () => {
    expect((await dev.get('/console/')).text).toContain('href="/console/data-keys"');
    const home = await readonly.get('/console/');
    expect(home.text).not.toContain('href="/console/data-keys"');
    const csrf = ConsoleClient.csrfOf(home.text);
    expect((await readonly.get('/console/data-keys')).status).toBe(403);
    expect((await readonly.post('/console/data-keys/census', { _csrf: csrf })).status).toBe(403);
    const reseal = await readonly.post('/console/data-keys/reseal', { _csrf: csrf });
    expect(reseal.status).toBe(403);
    expect(reseal.text).toContain('data-keys');
    const refused = (
      await gw.services.audit.page({ actor: 'operator-readonly', outcome: 'refused', limit: 50 })
    ).items.map((e) => e.action);
    expect(refused.filter((a) => a === 'data-keys.census')).toHaveLength(2);
    expect(refused).toContain('data-keys.reseal');
    expect(await envelopeKeyId(k1Cases[0]!)).toBe(k1);
  });

  it('refuses a re-seal POST without the CSRF token, audited, and re-seals nothing', async () => {
    const res = await dev.post('/console/data-keys/reseal', {});
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF');
    const entries = (
      await gw.services.audit.page({ actor: 'operator-dev', action: 'console.post', limit: 50 })
    ).items;
    expect(entries.some((e) => e.target === '/data-keys/reseal' && e.outcome === 'refused')).toBe(
      true,
    );
    expect(await envelopeKeyId(k1Cases[0]!)).toBe(k1);
    expect(await envelopeKeyId(k1Cases[1]!)).toBe(k1);
  });

  it('shows the current key k2 and the listed keys k2 and k1, with census and re-seal forms carrying the CSRF token', async () => {
    const res = await dev.get('/console/data-keys');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<code id="current-key">${k2}</code>`);
    const listed = [...res.text.matchAll(/<li data-key="([^"]+)">/g)].map((m) => m[1]);
    expect(listed).toEqual([k2, k1]);
    for (const form of ['census-form', 'reseal-form']) {
      const at = res.text.slice(res.text.indexOf(`id="${form}"`) - 80);
      expect(at).toMatch(/^[\s\S]*?method="post"[\s\S]*?name="_csrf" value="[^"]+"/);
    }
  });

  it('gives the rotation’s first step, the new key listed first on every gateway and worker, before the census and re-seal', async () => {
    const res = await dev.get('/console/data-keys');
    const steps = res.text.slice(res.text.indexOf('id="rotation-steps"'));
    const text = steps.slice(0, steps.indexOf('</p>'));
    expect(text).toContain('新密钥列在最前');
    expect(text).toContain('list the new key first in GW_DATA_KEYS on every gateway and');
    expect(text.indexOf('新密钥列在最前')).toBeLessThan(text.indexOf('统计'));
  });

  it('counts two k1 envelopes as still needed and the k0 envelope as not listed in one census click', async () => {
    const res = await dev.post('/console/data-keys/census', { _csrf: await dev.csrf() });
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="census-done"');
    expect(fact(res.text, 'census-cases')).toBe('3');
    expect(fact(res.text, 'census-unreadable')).toBe('1');
    const k1Row = keyRow(res.text, k1);
    expect(cell(k1Row, 'envelopes')).toBe(2);
    expect(verdict(k1Row)).toBe('needed');
    expect(cell(keyRow(res.text, k0), 'envelopes')).toBe(1);
    expect(verdict(keyRow(res.text, k0))).toBe('not-listed');
    expect(verdict(keyRow(res.text, k2))).toBe('current');
  });

  it('audits each census page a click walks under the operator, with its counts, on a chain that still verifies', async () => {
    const census = (limit = 200) =>
      gw.services.audit.page({ actor: 'operator-dev', action: 'data-keys.census', limit });
    const before = (await census()).items.length;
    const res = await dev.post('/console/data-keys/census', { _csrf: await dev.csrf() });
    expect(res.status).toBe(200);
    const entries = (await census()).items.slice(before);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect(entry).toMatchObject({ target: 'data-keys', outcome: 'ok' });
    expect(entries.map((e) => e.reason).join('\n')).toMatch(new RegExp(`envelopes [^,]*${k1} 2`));
    expect(await gw.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('walks in more than one click when a step covers only part of the keyspace, carrying the counts through the continue forms to the k1 envelopes still needed', async () => {
    // Enough other keys that 20 SCANs of COUNT 10 cannot cover the database in one click.
    const pipeline = redis.pipeline();
    for (let i = 0; i < FILLER_KEYS; i++) pipeline.set(`${filler}:${i}`, '1');
    await pipeline.exec();
    const csrf = await dev.csrf();
    let res = await dev.post('/console/data-keys/census', { _csrf: csrf, limit: '10' });
    let clicks = 1;
    while (res.text.includes('id="census-continue-form"')) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('id="census-partial"');
      expect(verdict(keyRow(res.text, k1)) ?? 'none').not.toBe('removable');
      res = await dev.post('/console/data-keys/census', {
        _csrf: csrf,
        cursor: hidden(res.text, 'census-continue-form', 'cursor'),
        limit: hidden(res.text, 'census-continue-form', 'limit'),
        counted: hidden(res.text, 'census-continue-form', 'counted'),
      });
      clicks += 1;
    }
    expect(res.status).toBe(200);
    expect(clicks).toBeGreaterThan(1);
    expect(res.text).toContain('id="census-done"');
    // SCAN may count a case twice while Redis rehashes (an upper bound); nothing is lost.
    expect(cell(keyRow(res.text, k1), 'envelopes')).toBeGreaterThanOrEqual(2);
    expect(cell(keyRow(res.text, k0), 'envelopes')).toBeGreaterThanOrEqual(1);
    expect(verdict(keyRow(res.text, k1))).toBe('needed');
  });

  it('answers a 400 page, never a 500, for a bad cursor, carried counts or page size', async () => {
    const csrf = await dev.csrf();
    const forged = Buffer.from('9:abc').toString('base64url');
    for (const [path, form] of [
      ['/console/data-keys/census', { cursor: 'not a cursor!', counted: '{}' }],
      [
        '/console/data-keys/census',
        {
          cursor: forged,
          counted: '{"cases":0,"clearResults":0,"envelopes":{},"results":{},"comments":{}}',
        },
      ],
      ['/console/data-keys/census', { cursor: Buffer.from('0:0').toString('base64url') }],
      [
        '/console/data-keys/census',
        { cursor: Buffer.from('0:0').toString('base64url'), counted: '{"cases":-1}' },
      ],
      ['/console/data-keys/census', { limit: '0' }],
      ['/console/data-keys/reseal', { cursor: forged }],
      [
        '/console/data-keys/reseal',
        { cursor: Buffer.from('0:99999999999999999999').toString('base64url') },
      ],
      ['/console/data-keys/reseal', { limit: '1001' }],
    ] as const) {
      const res = await dev.post(path, { _csrf: csrf, ...form });
      expect(res.status, `${path} ${JSON.stringify(form)}`).toBe(400);
      expect(res.text).toMatch(/游标无效|计数无效|每页数量/);
    }
    expect(await envelopeKeyId(k1Cases[0]!)).toBe(k1);
  });

  it('re-seals the k1 envelopes under k2, lists the k0 case unreadable, audits each page under the operator; the census then calls k1 removable', async () => {
    const csrf = await dev.csrf();
    const resealEntries = async () =>
      (
        await gw.services.audit.page({
          actor: 'operator-dev',
          action: 'data-keys.reseal',
          limit: 500,
        })
      ).items;
    // Earlier pages: the 400 test's cursor past 64 bits reached Redis and was audited as failed.
    const before = (await resealEntries()).length;
    let res = await dev.post('/console/data-keys/reseal', { _csrf: csrf });
    let resealed = 0;
    const unreadable: string[] = [];
    for (;;) {
      expect(res.status).toBe(200);
      resealed += Number(fact(res.text, 'reseal-envelopes'));
      unreadable.push(...[...res.text.matchAll(/data-unreadable="([^"]+)"/g)].map((m) => m[1]!));
      if (!res.text.includes('id="reseal-continue-form"')) break;
      res = await dev.post('/console/data-keys/reseal', {
        _csrf: csrf,
        cursor: hidden(res.text, 'reseal-continue-form', 'cursor'),
      });
    }
    expect(res.text).toContain('id="reseal-done"');
    expect(resealed).toBe(2);
    expect(unreadable).toEqual([lostCase]);
    expect(await envelopeKeyId(k1Cases[0]!)).toBe(k2);
    expect(await envelopeKeyId(k1Cases[1]!)).toBe(k2);
    expect(await envelopeKeyId(lostCase)).toBe(k0);
    const entries = (await resealEntries()).slice(before);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.outcome === 'ok' && e.target === 'data-keys')).toBe(true);
    expect(entries.some((e) => e.reason?.includes(`${lostCase} envelope unknown-key ${k0}`))).toBe(
      true,
    );

    const census = await dev.post('/console/data-keys/census', { _csrf: csrf });
    expect(census.text).toContain('id="census-done"');
    expect(verdict(keyRow(census.text, k1))).toBe('removable');
    expect(cell(keyRow(census.text, k1), 'envelopes')).toBe(0);
    expect(cell(keyRow(census.text, k2), 'envelopes')).toBeGreaterThanOrEqual(2);
  });
});

describe('the data keys forms under junk', () => {
  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    // Well-formed cursors naming any node and any SCAN cursor, up to past 64 bits.
    fc
      .tuple(fc.nat({ max: 10_000 }), fc.bigInt({ min: 0n, max: 10n ** 21n }))
      .map(([node, scan]) => Buffer.from(`${node}:${scan}`).toString('base64url')),
    fc.json({ maxDepth: 2 }),
    fc.constantFrom('', '%', '0', '1000', '1001', '[]', '__proto__', '0'.repeat(600)),
  );

  it('never answers 5xx to a junk census or re-seal form from an operator holding data-keys', async () => {
    const token = await dev.csrf();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/console/data-keys/census', '/console/data-keys/reseal'),
        fc.dictionary(fc.constantFrom('cursor', 'limit', 'counted', 'x'), junk),
        async (path, form) => {
          const res = await dev.post(path, { ...form, _csrf: token });
          expect(res.status, `${path} ${JSON.stringify(form)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 100 },
    );
  });
});
