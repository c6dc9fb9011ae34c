// Paging the console's dead-letter list forwards and back (gateway/console/README.md#pages): 280
// dead letters of two adapters and two kinds, made by the case store's own move in an interleaved
// order; 100 a page, oldest failure first. Walking forward by *Newer failures* and back by *Older
// failures* must show the same pages both ways, each letter once, in the store's order, with the
// filters kept on every link; the page back that reaches the oldest is the first page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { ConsoleClient } from '../../support/console-client.ts';

const GAVE_UP = 'gave up after 5 attempts: province unreachable (ECONNREFUSED)';
const REFUSED = 'refused: RETCODE -102 字段校验不通过';
/** SW-005 goes to yn (云南), SJ-003 to gx (广西): config/routes.json. */
const KINDS = {
  'yn:gave-up': { item: 'SW-005', reason: GAVE_UP, count: 210 },
  'gx:gave-up': { item: 'SJ-003', reason: GAVE_UP, count: 50 },
  'yn:refused': { item: 'SW-005', reason: REFUSED, count: 20 },
} as const;
type Kind = keyof typeof KINDS;

let gw: ApiGateway;
let dev: ConsoleClient;
/** Each letter's adapter and kind, by case id. */
const made = new Map<string, Kind>();
let seq = 0;

async function deadLetter(kind: Kind): Promise<void> {
  const { item, reason } = KINDS[kind];
  const record = await submitDeadLetter(gw, item, reason, `dl-paging-${seq++}-${Date.now()}`);
  made.set(record.id, kind);
}

beforeAll(async () => {
  gw = await startApiGateway({
    GW_RATE_LIMIT_PER_SECOND: '100000',
    GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
  });
  // Interleaved evenly, so every page holds letters of several adapters and kinds.
  const order = (Object.keys(KINDS) as Kind[])
    .flatMap((kind) =>
      Array.from({ length: KINDS[kind].count }, (_, j) => ({
        kind,
        at: (j + 0.5) / KINDS[kind].count,
      })),
    )
    .sort((a, b) => a.at - b.at)
    .map((e) => e.kind);
  for (let i = 0; i < order.length; i += 20)
    await Promise.all(order.slice(i, i + 20).map((kind) => deadLetter(kind)));
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 180_000);
afterAll(async () => {
  await gw?.close();
});

interface Shown {
  rows: string[];
  older?: string;
  newer?: string;
  oldest?: string;
}

/** One page of the list: its letters in order and where its links lead. */
async function shown(path: string): Promise<Shown> {
  const res = await dev.get(path);
  expect(res.status, path).toBe(200);
  const link = (id: string) =>
    new RegExp(`id="${id}"\\s+href="([^"]+)"`).exec(res.text)?.[1]?.replaceAll('&amp;', '&');
  return {
    rows: [...res.text.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]!),
    older: link('dead-letters-older'),
    newer: link('dead-letters-newer'),
    oldest: link('dead-letters-oldest'),
  };
}

/** Every dead letter in the store's order (oldest failure first), filtered as the page is. */
async function inStoreOrder(filter: { adapter?: string; kind?: string }): Promise<string[]> {
  const all = await gw.services.store.deadLettersAfter(undefined, 1000);
  return all
    .map((p) => p.caseId)
    .filter((id) => {
      const [adapter, kind] = made.get(id)!.split(':');
      return (
        (!filter.adapter || filter.adapter === adapter) && (!filter.kind || filter.kind === kind)
      );
    });
}

const FILTERS: { adapter?: string; kind?: string }[] = [
  {},
  { adapter: 'yn' },
  { adapter: 'yn', kind: 'gave-up' },
];

describe('paging the dead-letter list forwards and back', () => {
  for (const filter of FILTERS) {
    const query = new URLSearchParams(filter).toString();
    it(`walks ${query || 'the unfiltered list'} forward over three pages and back by Older failures, the same pages both ways, each letter once, filters on every link`, async () => {
      const expected = await inStoreOrder(filter);
      expect(expected.length).toBeGreaterThan(200);
      const forward: Shown[] = [await shown(`/console/dead-letters${query ? `?${query}` : ''}`)];
      while (forward.at(-1)!.newer) forward.push(await shown(forward.at(-1)!.newer!));
      expect(forward.map((p) => p.rows.length)).toEqual([100, 100, expected.length - 200]);
      expect(forward.flatMap((p) => p.rows)).toEqual(expected);
      expect(forward[0]!.older).toBeUndefined();
      expect(forward[0]!.oldest).toBeUndefined();

      const back: Shown[] = [forward.at(-1)!];
      while (back.at(-1)!.older) back.push(await shown(back.at(-1)!.older!));
      expect(back.map((p) => p.rows)).toEqual(forward.map((p) => p.rows).reverse());
      // The page back that reaches the oldest is the first page: nothing older, no way back.
      expect(back.at(-1)!.oldest).toBeUndefined();
      // A page reached backwards leads forwards to the page that followed it.
      expect((await shown(back[1]!.newer!)).rows).toEqual(forward[2]!.rows);

      const links = [...forward, ...back].flatMap((p) =>
        [p.older, p.newer, p.oldest].filter((l) => l !== undefined),
      );
      expect(links.length).toBeGreaterThan(6);
      for (const href of links) {
        const params = new URL(href, gw.url).searchParams;
        expect(params.get('adapter') ?? undefined, href).toBe(filter.adapter);
        expect(params.get('kind') ?? undefined, href).toBe(filter.kind);
      }
      const first = `/console/dead-letters${query ? `?${query}` : ''}`;
      for (const p of [...forward.slice(1), ...back.slice(0, -1)]) expect(p.oldest).toBe(first);
    });
  }

  // Last: it replays letters, which the walks above must not see.
  it('pages back over letters replayed meanwhile with the 100 just before, none shown twice, then to the first page as it now stands', async () => {
    const forward: Shown[] = [await shown('/console/dead-letters')];
    while (forward.at(-1)!.newer) forward.push(await shown(forward.at(-1)!.newer!));
    const [, second, third] = forward;
    const replayed = second!.rows.slice(0, 10);
    for (const id of replayed) {
      const res = await gw
        .client('operator-dev')
        .request('POST', `/v1/admin/dead-letters/${id}/replay`);
      expect(res.status).toBe(200);
    }
    const left = await inStoreOrder({});
    const back = await shown(third!.older!);
    const before = left.slice(0, left.indexOf(third!.rows[0]!));
    expect(back.rows).toEqual(before.slice(-100));
    expect(back.rows.filter((id) => third!.rows.includes(id) || replayed.includes(id))).toEqual([]);
    const first = await shown(back.older!);
    expect(first.rows).toEqual(left.slice(0, 100));
    expect(first.older).toBeUndefined();
    expect(first.oldest).toBeUndefined();
  });

  it('answers both cursors at once, or a before cursor it did not give out, with a 400 page', async () => {
    const second = await shown('/console/dead-letters');
    const cursor = new URL(second.newer!, gw.url).searchParams.get('cursor')!;
    for (const path of [
      `/console/dead-letters?cursor=${cursor}&before=${cursor}`,
      '/console/dead-letters?before=bm90LWEtY3Vyc29y',
    ]) {
      const res = await dev.get(path);
      expect(res.status, path).toBe(400);
      expect(res.text).toContain('游标');
    }
  });
});
