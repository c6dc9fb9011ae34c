// The dead-letter list pages as every list of the API does (gateway/README.md#lists, #dead-letters):
// `{ items, nextCursor }`, `limit` ≤ 200, an opaque cursor naming a position (when the delivery
// failed, then the case id) over all shards, so a walk meets each letter once even when letters
// are replayed or added between its pages; `adapter` and `kind` filter; every bad query parameter
// is 400 GW_INVALID_PARAMETER with a /query/… pointer. Real gateway and Redis, 16 shards; the
// dead letters are made by the case store's own move (recordDeliveryFailed), as a worker does.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutedCase } from '../../../gateway/cases/case-record.ts';
import { recordReplayed } from '../../../gateway/cases/record-replay.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';

interface Item {
  caseId: string;
  adapter?: string;
  kind: string;
  failedAt: string;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

/** Three kinds of reason, as adapters/kit/job-runner.ts writes them. */
const REASONS = {
  refused: 'refused: RETCODE -102 字段校验不通过',
  'gave-up': 'gave up after 5 attempts: province unreachable (ECONNREFUSED)',
  unreadable: 'stored submission unreadable: data key k0 is not listed',
} as const;
type Kind = keyof typeof REASONS;
const KINDS = Object.keys(REASONS) as Kind[];
/** SW-005 goes to yn, SJ-003 to gx (config/routes.json). */
const ITEMS = { yn: 'SW-005', gx: 'SJ-003' } as const;

let gw: ApiGateway;
let seq = 0;
/** Each dead letter made: its adapter and kind. */
const made = new Map<string, { adapter: string; kind: Kind }>();

async function deadLetter(adapter: keyof typeof ITEMS, kind: Kind): Promise<string> {
  const key = `dl-page-${seq++}-${Date.now()}`;
  const record = await submitDeadLetter(gw, ITEMS[adapter], REASONS[kind], key);
  expect(record.route.adapter).toBe(adapter);
  made.set(record.id, { adapter, kind });
  return record.id;
}

async function list(query: string, operator = 'operator-readonly') {
  return gw.client(operator).request<Page>('GET', `/v1/admin/dead-letters${query}`);
}

/** The pointers of the 400 GW_INVALID_PARAMETER problem+json the list answers `query` with. */
async function refusedAt(query: string): Promise<string[]> {
  const res = await gw
    .client('operator-readonly')
    .request<{ code?: string; errors?: { path: string; messageZh: string }[] }>(
      'GET',
      `/v1/admin/dead-letters${query}`,
    );
  expect(res.status, query).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('GW_INVALID_PARAMETER');
  expect(res.body.errors?.[0]?.messageZh).toMatch(/[\u4e00-\u9fff]/);
  return (res.body.errors ?? []).map((e) => e.path);
}

/** Every page from the start, `between` run after each page; the pages' items in order. */
async function walk(
  query: string,
  between: (page: number) => Promise<void> = async () => {},
  read = new Set<string>(),
) {
  const pages: Item[][] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const sep = query ? '&' : '';
    const res = await list(`?${query}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(200);
    pages.push(res.body.items);
    for (const d of res.body.items) read.add(d.caseId);
    cursor = res.body.nextCursor;
    if (cursor !== null) await between(pages.length);
  }
  return pages;
}

/** Oldest failure first, ties by case id. */
function inListOrder(items: Item[]): boolean {
  return items.every((d, i) => {
    const prev = items[i - 1];
    if (!prev) return true;
    return prev.failedAt < d.failedAt || (prev.failedAt === d.failedAt && prev.caseId < d.caseId);
  });
}

beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '100000' });
  // 450 dead letters, both adapters and every kind, in parallel batches (many share a millisecond).
  const plan = Array.from({ length: 450 }, (_, i) => ({
    adapter: i % 2 === 0 ? ('yn' as const) : ('gx' as const),
    kind: KINDS[i % 3]!,
  }));
  for (let i = 0; i < plan.length; i += 30)
    await Promise.all(plan.slice(i, i + 30).map((p) => deadLetter(p.adapter, p.kind)));
}, 180_000);
afterAll(async () => {
  await gw?.close();
});

describe('the dead-letter list in pages', () => {
  it('walks 450 dead letters over 16 shards with limit 200 in three pages, each once, oldest first', async () => {
    const pages = await walk('');
    expect(pages.map((p) => p.length)).toEqual([200, 200, 50]);
    const ids = pages.flat().map((d) => d.caseId);
    expect(new Set(ids).size).toBe(450);
    expect(new Set(ids)).toEqual(new Set(made.keys()));
    expect(inListOrder(pages.flat())).toBe(true);
    // Spread over shards, so the order is a merge, not one shard's.
    const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
    const shards = new Set(ids.map((id) => keys.shardOf(id).deadLetters));
    expect(shards.size).toBeGreaterThan(8);
  });

  it('gives 50 by default and the null cursor at the end', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(50);
    expect(typeof res.body.nextCursor).toBe('string');
    const last = await list(`?limit=200&cursor=${(await walkTo(400))!}`);
    expect(last.body.items).toHaveLength(50);
    expect(last.body.nextCursor).toBeNull();
  });

  it('filters by adapter and by kind: every item matches and every match is listed', async () => {
    for (const adapter of ['yn', 'gx'])
      for (const kind of KINDS) {
        const items = (await walk(`adapter=${adapter}&kind=${kind}`)).flat();
        const expected = [...made].filter(([, m]) => m.adapter === adapter && m.kind === kind);
        expect(items.map((d) => d.caseId).sort(), `${adapter} ${kind}`).toEqual(
          expected.map(([id]) => id).sort(),
        );
        expect(items.every((d) => d.adapter === adapter && d.kind === kind)).toBe(true);
        expect(inListOrder(items)).toBe(true);
      }
    const gaveUp = (await walk('kind=gave-up')).flat();
    expect(gaveUp).toHaveLength(150);
  });

  it('answers 400 GW_INVALID_PARAMETER with a /query pointer to every bad limit, adapter and kind', async () => {
    const bad: [string, string][] = [
      ['limit=0', '/query/limit'],
      ['limit=201', '/query/limit'],
      ['limit=-1', '/query/limit'],
      ['limit=1.5', '/query/limit'],
      ['limit=abc', '/query/limit'],
      ['limit=0200', '/query/limit'],
      ['adapter=zz', '/query/adapter'],
      ['adapter=YN', '/query/adapter'],
      [`adapter=${encodeURIComponent('y n')}`, '/query/adapter'],
      ['kind=refused-by-province', '/query/kind'],
      ['kind=REFUSED', '/query/kind'],
    ];
    for (const [query, pointer] of bad)
      expect(await refusedAt(`?${query}`), query).toEqual([pointer]);
  });

  it('answers 400 at /query/cursor to any cursor it did not give out, never a 500', async () => {
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const shaped = fc.oneof(
      fc.string({ maxLength: 60 }).map(b64),
      fc.string({ unit: 'binary', maxLength: 60 }).map(b64),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/),
      fc.constantFrom(
        b64('123.notacase'),
        b64('-1.01J0000000000000000000000'),
        b64('1e3.01J00000000000000000000A'),
        b64(`${'9'.repeat(16)}.01J00000000000000000000AB`),
        b64('12.01J00000000000000000000AB-123'),
        b64('12.01J00000000000000000000AB '),
      ),
    );
    // An empty cursor is an absent one (the edge drops empty parameters): the first page.
    await fc.assert(
      fc.asyncProperty(
        shaped.filter((c) => c !== ''),
        async (cursor) => {
          expect(await refusedAt(`?cursor=${encodeURIComponent(cursor)}`), cursor).toEqual([
            '/query/cursor',
          ]);
        },
      ),
      { numRuns: 200 },
    );
    for (const cursor of ['%', '='.repeat(10), 'a'.repeat(201), '..', 'é'])
      expect(await refusedAt(`?cursor=${encodeURIComponent(cursor)}`), cursor).toEqual([
        '/query/cursor',
      ]);
  });

  // Last: it replays and adds dead letters.
  it('meets every letter that stays dead exactly once when letters are replayed and added between pages', async () => {
    const before = new Set((await walkAll()).map((d) => d.caseId));
    const read = new Set<string>();
    const replayed = new Set<string>();
    const added: string[] = [];
    const pages = await walk(
      '',
      async (page) => {
        // Replay two letters already read and two not read yet, and add a new one: an offset
        // would then skip two letters, or give one twice.
        const now = (await walkAll()).map((d) => d.caseId);
        const readNow = now.filter((id) => read.has(id)).slice(-2);
        const ahead = now.filter((id) => !read.has(id) && !added.includes(id)).slice(0, 2);
        for (const id of [...readNow, ...ahead]) {
          const record = (await gw.services.store.get(id)) as RoutedCase;
          expect((await recordReplayed(gw.services.store, record, 'operator-dev')).ok).toBe(true);
          replayed.add(id);
        }
        added.push(await deadLetter('yn', 'gave-up'));
        expect(page).toBeGreaterThan(0);
      },
      read,
    );
    const ids = pages.flat().map((d) => d.caseId);
    expect(new Set(ids).size).toBe(ids.length);
    const stayedDead = [...before].filter((id) => !replayed.has(id));
    expect(ids).toEqual(expect.arrayContaining(stayedDead));
    expect(ids.filter((id) => !stayedDead.includes(id)).sort()).toEqual(
      // Read before it was replayed, or added after the page it follows.
      [...ids.filter((id) => replayed.has(id)), ...added].sort(),
    );
    expect(replayed.size).toBe(4 * (pages.length - 1));
    expect(inListOrder(pages.flat())).toBe(true);
  });
});

/** Every dead letter now, in list order. */
async function walkAll(): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const res = await list(`?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  }
  return items;
}

/** The cursor after the first `n` letters. */
async function walkTo(n: number): Promise<string | null> {
  let cursor: string | null = '';
  for (let read = 0; read < n; read += 200) {
    const res = await list(`?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = res.body.nextCursor;
  }
  return cursor;
}
