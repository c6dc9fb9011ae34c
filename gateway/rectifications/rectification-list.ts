// GET /v1/rectifications?status=&cursor=&limit= (gateway/README.md#lists): a province client sees
// its own province's, a portal those of its own cases, an operator every province's. Ids are
// `RC<province><ULID>`: each province's index is read from the cursor's ULID on, the pages are
// merged in ULID (time) order, and the next cursor is the last ULID given out, so a list spanning
// six slots pages like one.
import type { Client } from '../auth/client-registry.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../http/cursor.ts';
import type { HandlerResult } from '../http/respond.ts';
import type { RectificationQuery } from './rectification-bodies.ts';
import { RECTIFICATION_ID, type Rectification } from './rectification-record.ts';
import type { RectificationStore } from './rectification-store.ts';
import { rectificationSummary } from './rectification-view.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface RectificationListDeps {
  rectifications: RectificationStore;
  /** The alliance's provinces. */
  provinces: readonly string[];
}

const ulidOf = (id: string) => RECTIFICATION_ID.exec(id)?.[2] ?? '';

export type RectificationPage = Awaited<ReturnType<typeof rectificationPage>>;

export async function listRectifications(
  deps: RectificationListDeps,
  client: Client,
  query: RectificationQuery,
): Promise<HandlerResult> {
  return { status: 200, body: await rectificationPage(deps, client, query) };
}

/**
 * One page of the rectifications `client` may see. A portal's index holds every status, so its
 * `status` filter applies to what is read: the index is read on until the page has `limit`
 * matches or ends. Before, one read of `limit` ids was filtered, and a portal asking for
 * `status=CLOSED` got an empty page with a cursor — where a client stops — while closed ones
 * followed (found by a client written from README.md alone).
 */
export async function rectificationPage(
  deps: RectificationListDeps,
  client: Client,
  query: RectificationQuery,
) {
  let after = decodeCursor(query.cursor, ULID);
  const limit = pageLimit(query.limit);
  const provinces = client.kind === 'province' ? [client.province ?? ''] : deps.provinces;
  const index = client.kind === 'portal' ? { clientId: client.id } : { status: query.status };
  const items: ReturnType<typeof rectificationSummary>[] = [];
  let more = true;
  while (more && items.length < limit) {
    const wanted = limit - items.length;
    const pages = await Promise.all(
      provinces.map((p) => deps.rectifications.page(p, index, after, wanted)),
    );
    const merged = pages.flat().sort((a, b) => (ulidOf(a) < ulidOf(b) ? -1 : 1));
    const ids = merged.slice(0, wanted);
    more = merged.length > wanted || pages.some((page) => page.length === wanted);
    const records = await Promise.all(ids.map((id) => deps.rectifications.get(id)));
    items.push(
      ...records
        .filter((r): r is NonNullable<typeof r> => r !== undefined)
        .filter((r: Rectification) => !query.status || r.status === query.status)
        .map((r) => rectificationSummary(r, client)),
    );
    const last = ids.at(-1);
    if (last === undefined) more = false;
    else after = ulidOf(last);
  }
  return { items, nextCursor: more && after !== undefined ? encodeCursor(after) : null };
}
