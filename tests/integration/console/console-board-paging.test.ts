// The 督办 list behind a board number at the size of a bad week (gateway/console/README.md#pages):
// 450 overdue cases spread over every shard's board, walked page by page with the next-page link —
// each listed once, none missing, soonest due first across the boards — with how many there are
// in all on every page; a cursor that is not one the list gave out is a 400 page, not a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { trackOverdueCases } from '../../support/console-scale-fill.ts';

const OVERDUE = 450;
let gw: ApiGateway;
let c: ConsoleClient;
/** The cases, soonest due first. */
let ids: string[] = [];

beforeAll(async () => {
  gw = await startApiGateway();
  const keys = redisKeys(gw.config.keyPrefix, gw.config.redisShards);
  ids = await trackOverdueCases(gw.services.redis, keys, gw.services.board, OVERDUE, Date.now(), {
    province: '53',
    itemCode: 'SF-009',
    shards: gw.config.redisShards,
  });
  c = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const subjects = (text: string) => [...text.matchAll(/data-subject="([^"]+)"/g)].map((m) => m[1]!);
/** What #board-count says: how many in all, and which of them this page lists. */
function count(text: string): Record<string, string> {
  const start = text.indexOf('id="board-count"');
  const tag = text.slice(start, text.indexOf('>', start));
  return Object.fromEntries(
    [...tag.matchAll(/data-([a-z]+)="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!]),
  );
}
const nextLink = (text: string) =>
  /id="board-next"\s+href="([^"]+)"/.exec(text)?.[1]?.replaceAll('&amp;', '&');

describe('the 督办 list, paged', () => {
  it('walks 450 overdue cases page by page, each once and none missing, in due order, saying how many in all', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/console/board/list?kind=case&state=overdue&province=53';
    let pages = 0;
    while (path) {
      const page = await c.get(path);
      expect(page.status).toBe(200);
      const listed = subjects(page.text);
      expect(count(page.text)).toEqual({
        total: String(OVERDUE),
        from: String(seen.length + 1),
        to: String(seen.length + listed.length),
      });
      expect(page.text).toContain(`of ${OVERDUE}`);
      seen.push(...listed);
      path = nextLink(page.text);
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it('keeps its place when subjects before it are settled meanwhile: the next page neither repeats nor skips', async () => {
    const first = await c.get('/console/board/list?kind=case&state=overdue');
    const next = nextLink(first.text)!;
    // Five cases of the first page are decided meanwhile.
    for (const id of ids.slice(0, 5)) await gw.services.board.settle('case', id);
    const second = await c.get(next);
    expect(subjects(second.text)).toEqual(ids.slice(200, 400));
    expect(count(second.text).total).toBe(String(OVERDUE - 5));
  });

  it('answers a cursor it did not give out with a 400 page, not a 500', async () => {
    for (const cursor of [
      'not-a-cursor',
      Buffer.from('12:abc:case:x').toString('base64url'),
      '%%%',
    ]) {
      const page = await c.get(`/console/board/list?kind=case&state=overdue&cursor=${cursor}`);
      expect(page.status, cursor).toBe(400);
      expect(page.text).toContain('cursor: not a place this list gave out');
    }
    const twice = await c.get('/console/board/list?kind=case&state=overdue&cursor=a&cursor=b');
    expect(twice.status).toBe(400);
  });
});
