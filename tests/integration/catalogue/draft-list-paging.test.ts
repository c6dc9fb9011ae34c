// The drafts list at the size years of catalogue work leave (gateway/README.md#drafts-and-four-eyes,
// DESIGN §3.10 paging): hundreds of drafts, stored through the real draft store, listed through
// the API, the console's drafts page and review queue, and the console's overview. The status
// filter is applied before the page is cut, so a draft in review older than hundreds of newer
// drafts is still reached (the list used to take the newest 500, then filter); pages follow each
// other with no gap or repeat, also across drafts created in the same millisecond.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDraftStore,
  type DraftStatus,
  type StoredDraft,
} from '../../../gateway/catalogue/admin/draft-store.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';

let gw: ApiGateway;
let dev2: ConsoleClient;
const DRAFTS = '/v1/admin/catalogue/drafts';
/** Ids of the stored drafts, newest first (creation ms descending, then id descending). */
let newestFirst: string[] = [];
const OLD_IN_REVIEW = ['0OLDREVIEW1', '0OLDREVIEW2', '0OLDREVIEW3'];

function draft(draftId: string, createdMs: number, status: DraftStatus): StoredDraft {
  const at = new Date(createdMs).toISOString();
  return {
    draftId,
    kind: 'calendar',
    target: 'calendar-2031',
    status,
    author: 'operator-dev',
    note: `draft ${draftId}`,
    baseVersion: 0,
    body: JSON.stringify({ year: 2031, source: '', holidays: [], extraWorkingDays: [] }),
    bodyDigest: 'd',
    createdAt: at,
    updatedAt: at,
  };
}

beforeAll(async () => {
  gw = await startApiGateway(
    { GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' },
    { liveCatalogue: true },
  );
  const store = createDraftStore(gw.services.redis, redisKeys(gw.config.keyPrefix).catalogue);
  const base = Date.UTC(2026, 0, 1);
  const stored: { id: string; ms: number }[] = [];
  // Three drafts in review, older than everything else.
  for (const [i, id] of OLD_IN_REVIEW.entries()) {
    await store.create(draft(id, base + i, 'in-review'));
    stored.push({ id, ms: base + i });
  }
  // 600 newer drafts of other statuses, five to a millisecond (ties across page boundaries).
  for (let i = 0; i < 600; i++) {
    const ms = base + 1000 + Math.floor(i / 5);
    const id = `D${String(i).padStart(4, '0')}`;
    await store.create(draft(id, ms, i % 2 ? 'approved' : 'draft'));
    stored.push({ id, ms });
  }
  newestFirst = stored
    .sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((d) => d.id);
  dev2 = await ConsoleClient.signedIn(gw.url, 'operator-dev-2');
}, 120_000);
afterAll(async () => {
  await gw?.close();
});

type Page = { items: { draftId: string; status: string }[]; nextCursor: string | null };
const list = (query: string) =>
  gw
    .client('operator-dev')
    .request<Page & { code?: string; errors?: { path: string }[] }>('GET', `${DRAFTS}${query}`);

describe('the drafts list, paged', () => {
  it('walks all 603 drafts newest first in pages of 200 with no gap or repeat, ties in one millisecond included', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((d) => d.draftId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(newestFirst);
  });

  it('answers 50 drafts by default, with a cursor to the next page', async () => {
    const res = await list('');
    expect(res.body.items).toHaveLength(50);
    expect(res.body.items.map((d) => d.draftId)).toEqual(newestFirst.slice(0, 50));
    expect(res.body.nextCursor).toEqual(expect.any(String));
  });

  it('filters by status before the page is cut: the three drafts in review older than 600 others are listed, and the page says it is the last', async () => {
    const res = await list('?status=in-review');
    expect(res.status).toBe(200);
    expect(res.body.items.map((d) => d.draftId)).toEqual([...OLD_IN_REVIEW].reverse());
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages a filtered list: the approved drafts in pages of 120, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?status=approved&limit=120${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.items.every((d) => d.status === 'approved')).toBe(true);
      seen.push(...res.body.items.map((d) => d.draftId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      newestFirst.filter((id) => /^D/.test(id) && Number(id.slice(1)) % 2 === 1),
    );
  });

  it.each([
    ['a cursor it did not give out', '?cursor=bm90LWEtY3Vyc29y', '/query/cursor'],
    ['a cursor that is not base64url', '?cursor=%2F%2F', '/query/cursor'],
    ['a limit over 200', '?limit=201', '/query/limit'],
    ['a limit of 0', '?limit=0', '/query/limit'],
    ['an unknown status', '?status=lost', '/query/status'],
  ])('refuses %s with 400 GW_INVALID_PARAMETER at its pointer', async (_what, query, pointer) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toContain(pointer);
  });
});

describe('the console at the same size', () => {
  it('the review queue lists the three drafts in review, older than 600 others', async () => {
    const page = await dev2.get('/console/catalogue/review');
    expect(page.status).toBe(200);
    for (const id of OLD_IN_REVIEW) expect(page.text).toContain(`data-draft="${id}"`);
    expect(page.text).not.toContain('id="drafts-older"');
  });

  it('the overview counts the drafts in review', async () => {
    const page = await dev2.get('/console/');
    expect(page.text).toMatch(/data-figure="drafts-in-review">3</);
  });

  it('the drafts page shows 50, then the next 50 through its older link; filtered by status it keeps the filter', async () => {
    const first = await dev2.get('/console/catalogue/drafts');
    const ids = (text: string) =>
      [...text.matchAll(/data-draft="([0-9A-Za-z]+)"/g)].map((m) => m[1]);
    expect(ids(first.text)).toEqual(newestFirst.slice(0, 50));
    const older = /id="drafts-older" href="([^"]+)"/.exec(first.text)![1]!.replaceAll('&amp;', '&');
    const second = await dev2.get(older);
    expect(ids(second.text)).toEqual(newestFirst.slice(50, 100));

    const approved = await dev2.get('/console/catalogue/drafts?status=approved');
    expect(approved.text).toContain('data-draft-status="approved"');
    expect(approved.text).not.toContain('data-draft-status="draft"');
    expect(/id="drafts-older" href="([^"]+)"/.exec(approved.text)![1]).toContain('status=approved');
  });

  it('a forged cursor is a 400 page, not a 500', async () => {
    const page = await dev2.get('/console/catalogue/drafts?cursor=bm90LWEtY3Vyc29y');
    expect(page.status).toBe(400);
  });
});
