// The console's catalogue pages over HTTP (gateway/console/README.md#pages): the list with its
// search and filters and the catalogue revision, an item's page with its versions, field table,
// JSON and examples; unknown items and junk queries are a 404 or a filtered page, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
let readonly: ConsoleClient;

beforeAll(async () => {
  gw = await startApiGateway(
    { GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' },
    { liveCatalogue: true },
  );
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  readonly = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const rowsOf = (page: string) =>
  [...page.matchAll(/<tr data-item="([A-Z]{2}-\d{3})"/g)].map((m) => m[1]);

describe('catalogue list', () => {
  it('lists every published item with the revision the gateway serves', async () => {
    const res = await readonly.get('/console/catalogue');
    expect(res.status).toBe(200);
    expect(rowsOf(res.text)).toHaveLength(gw.services.registry.items().length);
    expect(rowsOf(res.text).length).toBeGreaterThanOrEqual(148);
    expect(res.text).toContain(`id="catalogue-revision">${gw.services.registry.revision}<`);
  });

  it('searches by code and by Chinese name', async () => {
    expect(rowsOf((await readonly.get('/console/catalogue?q=sw-005')).text)).toEqual(['SW-005']);
    const byName = rowsOf(
      (await readonly.get(`/console/catalogue?q=${encodeURIComponent('公积金')}`)).text,
    );
    expect(byName.length).toBeGreaterThan(1);
    expect(byName.every((code) => code?.startsWith('GJ-'))).toBe(true);
  });

  it('filters by department, subject, mode, level and enabled province together', async () => {
    const expected = gw.services.registry
      .items()
      .filter(
        (i) =>
          i.department === 'SW' &&
          i.subject !== 'person' &&
          i.modes.includes('online') &&
          i.level === 'county' &&
          i.enabledProvinces.includes('53'),
      )
      .map((i) => i.code);
    expect(expected.length).toBeGreaterThan(0);
    const subject = gw.services.registry.item(expected[0]!)!.subject;
    const res = await readonly.get(
      `/console/catalogue?department=SW&subject=${subject}&mode=online&level=county&province=53`,
    );
    const shown = rowsOf(res.text);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((c) => expected.includes(c!))).toBe(true);
  });

  it('shows an empty list, not an error, for filter values no item has', async () => {
    const res = await readonly.get('/console/catalogue?department=%3Cscript%3E&mode=x&q=%00%FF');
    expect(res.status).toBe(200);
    expect(rowsOf(res.text)).toEqual([]);
    expect(res.text).not.toContain('<script>');
  });
});

describe('catalogue item page', () => {
  it('shows SW-005 with its versions, field table with pointers and Chinese titles, JSON and examples', async () => {
    const res = await readonly.get('/console/catalogue/items/SW-005');
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="item-versions"');
    expect(res.text).toContain('data-version="1"');
    expect(res.text).toContain('data-pointer="/project/region"');
    expect(res.text).toContain('项目所在地');
    expect(res.text).toContain('divisionCode: member');
    expect(res.text).toContain('id="schema-json"');
    expect(res.text).toContain('data-example="valid-0"');
    expect(res.text).toContain('id="invalid-examples"');
  });

  // An immediate item (0 promised working days, schemas/README.md) read "0 个工作日": a missing value.
  it('shows an item promised in 0 working days as 即办 (same day), in its page and in the list, and others in working days', async () => {
    const promised = (text: string) =>
      /id="item-promised">([\s\S]*?)<\/dd>/
        .exec(text)?.[1]
        ?.replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    expect(gw.services.registry.item('SW-005')?.promisedDays).toBe(0);
    const immediate = (await readonly.get('/console/catalogue/items/SW-005')).text;
    expect(promised(immediate)).toBe('即办 same day (immediate)');
    expect(immediate).not.toContain('0 个工作日');
    const days = gw.services.registry.item('SF-009')!.promisedDays;
    expect(days).toBeGreaterThan(1);
    expect(promised((await readonly.get('/console/catalogue/items/SF-009')).text)).toBe(
      `${days} 个工作日 ${days} working days`,
    );
    const list = (await readonly.get('/console/catalogue?q=SW-00')).text;
    const row = /<tr data-item="SW-005">([\s\S]*?)<\/tr>/.exec(list)?.[1] ?? '';
    expect(row).toContain('即办');
    expect(row).not.toMatch(/>\s*0\s*</);
  });

  it('offers a draft only to an operator holding catalogue:edit', async () => {
    expect((await dev.get('/console/catalogue/items/SW-005')).text).toContain('id="draft-start"');
    expect((await readonly.get('/console/catalogue/items/SW-005')).text).not.toContain(
      'id="draft-start"',
    );
  });

  it('answers 404 for an unknown item, a malformed code and a version never published', async () => {
    for (const path of ['SW-999', 'nope', '..%2F..', 'SW-005?version=99']) {
      const res = await readonly.get(`/console/catalogue/items/${path}`);
      expect(res.status, path).toBe(404);
      expect(res.text, path).toContain('data-status="404"');
    }
  });

  it('shows the latest version when the version asked for is not a number', async () => {
    const res = await readonly.get('/console/catalogue/items/SW-005?version=-1x');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong>v1</strong>');
  });
});

describe('working-day calendars', () => {
  it('shows the latest published year with its holidays and extra working days marked', async () => {
    const res = await readonly.get('/console/catalogue/calendars?year=2026');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-year="2026"');
    expect(res.text).toMatch(/class="day holiday" data-date="2026-10-01"/);
    expect(res.text).toMatch(/class="day work" data-date="2026-12-01"/);
  });

  it('answers 404 for a year the catalogue has no calendar for', async () => {
    for (const year of ['1999', 'abcd'])
      expect((await readonly.get(`/console/catalogue/calendars?year=${year}`)).status).toBe(404);
  });
});
