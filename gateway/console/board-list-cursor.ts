// The 督办 list's paging (gateway/console/README.md#pages): an opaque cursor, as the API's lists
// (http/cursor.ts), naming where the last page ended in the list's order (due time, then kind:id)
// and how many subjects came before, so a page can say "201–400 of 5 000". A position, not an
// offset: subjects settled meanwhile neither repeat nor hide the next ones. A cursor that is not
// one this list gave out — altered, repeated, cut — is a 400 page, never a 500.
import { encodeCursor } from '../http/cursor.ts';
import type { ListPosition } from '../supervision/supervision-board.ts';
import { ConsoleError } from './console-error.ts';

export interface ListPlace {
  /** Subjects listed on the pages before. */
  shown: number;
  after: ListPosition;
}

const PLACE = /^([0-9]{1,9}):([0-9]{1,15}):((?:case|rectification):[A-Za-z0-9_-]{1,80})$/;

export function listCursor(place: ListPlace): string {
  return encodeCursor(`${place.shown}:${place.after.dueMs}:${place.after.member}`);
}

const refused = () =>
  new ConsoleError(
    400,
    '翻页参数 cursor 不是本列表给出的位置',
    'cursor: not a place this list gave out (follow the page links)',
  );

/** The place a `cursor` query parameter names; undefined without one; else a 400 page. */
export function listPlace(query: Record<string, unknown>): ListPlace | undefined {
  const raw = query.cursor;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw refused();
  const place = PLACE.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!place) throw refused();
  return { shown: Number(place[1]), after: { dueMs: Number(place[2]), member: place[3]! } };
}
