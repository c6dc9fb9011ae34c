// One page of the dead letters (gateway/README.md#dead-letters), for the API's list, the console's
// and the bulk replay: oldest failure first over every shard, from a position (failedAtMs + case
// id, cases/dead-letter-list.ts) rather than an offset, so letters replayed or added between two
// pages neither repeat one nor skip one. A page filtered by adapter or failure kind reads the
// dead-letter index of that adapter and kind (cases/dead-letter-index.ts) in the same order, so it
// passes no other letter. A letter whose case moved on between the list's read and the case's is
// skipped, and a page reads at most SCAN_BUDGET letters: it may hold fewer than `limit` items and
// still carry a cursor (as the audit chain's filtered pages do). The console also reads a page
// backwards from a position (deadLetterPageBefore), for its previous-page link.
import type { DeadLetterFilter } from '../cases/dead-letter-index.ts';
import type { DeadLetterPosition } from '../cases/dead-letter-list.ts';
import type { CaseStore } from '../cases/case-store.ts';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { deadLetterAt, type DeadLetter, type DeadLetterReader } from './dead-letters.ts';

/** How many dead letters one page reads at most before it answers with a cursor. */
export const SCAN_BUDGET = 2000;

export interface DeadLetterPageRequest extends DeadLetterFilter {
  /** The last position of the previous page (absent: from the oldest). */
  after?: DeadLetterPosition;
  limit: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Where the next page starts; undefined at the end of the list. */
  next: DeadLetterPosition | undefined;
  /** The first letter this page read (matching or not): the page before ends before it. */
  first: DeadLetterPosition | undefined;
}

export async function deadLetterPage(
  store: CaseStore,
  reader: DeadLetterReader,
  request: DeadLetterPageRequest,
): Promise<DeadLetterPage> {
  const read = await scan(store, reader, request, request.after, 1);
  return { items: read.items, next: read.ended ? undefined : read.last, first: read.first };
}

export interface DeadLetterPageBefore {
  /** Oldest failure first, as on every page. */
  items: DeadLetter[];
  /** The newest letter before the position: the page after this one starts after it. */
  newest: DeadLetterPosition | undefined;
  /** Where the page before this one ends; undefined when this page reached the oldest. */
  previous: DeadLetterPosition | undefined;
}

/**
 * The page before `before` (the console's previous page): the `limit` letters matching the
 * filter just before that position, read backwards with the same budget as a page forwards.
 */
export async function deadLetterPageBefore(
  store: CaseStore,
  reader: DeadLetterReader,
  request: DeadLetterFilter & { before: DeadLetterPosition; limit: number },
): Promise<DeadLetterPageBefore> {
  const read = await scan(store, reader, request, request.before, -1);
  return {
    items: read.items.reverse(),
    newest: read.first,
    previous: read.ended ? undefined : read.last,
  };
}

/**
 * Up to `limit` letters matching the filter past `from`, in the list's order (1) or backwards
 * (-1), from the index of the filter's adapter and kind (the whole list unfiltered), reading at
 * most SCAN_BUDGET. `last` is the last letter consumed — where a further page that way starts —
 * and `ended` says none is left that way.
 */
async function scan(
  store: CaseStore,
  reader: DeadLetterReader,
  request: DeadLetterFilter & { limit: number },
  from: DeadLetterPosition | undefined,
  direction: 1 | -1,
) {
  const filter: DeadLetterFilter = {
    ...(request.adapter !== undefined ? { adapter: request.adapter } : {}),
    ...(request.kind !== undefined ? { kind: request.kind } : {}),
  };
  const items: DeadLetter[] = [];
  let position = from;
  let first: DeadLetterPosition | undefined;
  let scanned = 0;
  const done = (ended: boolean) => ({ items, first, last: position, ended });
  while (scanned < SCAN_BUDGET) {
    // One more than the page needs tells whether a further page exists.
    const want = request.limit - items.length + 1;
    const batch =
      direction === 1
        ? await store.deadLettersAfter(position, want, filter)
        : position
          ? await store.deadLettersBefore(position, want, filter)
          : [];
    const letters = await Promise.all(batch.map((p) => deadLetterAt(store, reader, p)));
    for (const [i, entry] of batch.entries()) {
      if (items.length === request.limit) return done(false);
      position = entry;
      first ??= entry;
      scanned += 1;
      const letter = letters[i];
      if (letter) items.push(letter);
    }
    if (batch.length < want) return done(true);
  }
  return done(false);
}

// A case id (ULID, a joint child's with its -n), after the failure's time in ms.
const POSITION = /^(0|[1-9][0-9]{0,14})\.([0-9A-HJKMNP-TV-Z]{26}(-[0-9]{1,2})?)$/;

export function deadLetterCursor(position: DeadLetterPosition | undefined): string | null {
  return position ? encodeCursor(`${position.failedAtMs}.${position.caseId}`) : null;
}

/** The position a cursor names; 400 GW_INVALID_PARAMETER at /query/cursor for any other text. */
export function deadLetterPosition(cursor: string | undefined): DeadLetterPosition | undefined {
  const decoded = decodeCursor(cursor, POSITION);
  const match = decoded === undefined ? null : POSITION.exec(decoded);
  return match ? { failedAtMs: Number(match[1]), caseId: match[2] ?? '' } : undefined;
}
