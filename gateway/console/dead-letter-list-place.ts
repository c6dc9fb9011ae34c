// Where an operator was in the dead-letter list (gateway/console/README.md#pages): its filter
// (adapter, kind) and page (`cursor` or `before`), carried from the list to a letter's page, its
// replay's confirmation and the replay's POST, so the letter links back to the list as it was and
// a replay returns there (before, it returned to the whole list from the oldest). It travels as the
// list's own query parameters, each checked as the list checks it, and the way back is always built
// as /console/dead-letters plus those parameters: never a URL taken from the request, so no value
// can send the browser to another site (an open redirect) or another console page.
import { deadLetterPosition } from '../admin/dead-letter-page.ts';
import { FAILURE_KINDS, type FailureKindKey } from '../cases/failure-kind.ts';
import { queryText } from './forms.ts';

export interface ListPlace {
  readonly adapter?: string;
  readonly kind?: FailureKindKey;
  /** The page after this position (newer failures), as the list's links give it out. */
  readonly cursor?: string;
  /** The page before this position (older failures). */
  readonly before?: string;
}

/** A cursor the list could have given out (200 characters at most, as the list reads them). */
function isPosition(cursor: string): boolean {
  try {
    return deadLetterPosition(cursor) !== undefined;
  } catch {
    return false;
  }
}

/** The place a query names; whatever the list would not take is left out, never an error. */
export function listPlaceOf(query: unknown, adapters: readonly string[]): ListPlace {
  const adapter = queryText(query, 'adapter', 32);
  const kind = queryText(query, 'kind', 16);
  const cursor = queryText(query, 'cursor', 200);
  const before = queryText(query, 'before', 200);
  return {
    ...(adapters.includes(adapter) ? { adapter } : {}),
    ...((FAILURE_KINDS as readonly string[]).includes(kind)
      ? { kind: kind as FailureKindKey }
      : {}),
    // The list takes one of the two; both is no place it gave out.
    ...(cursor && !before && isPosition(cursor) ? { cursor } : {}),
    ...(before && !cursor && isPosition(before) ? { before } : {}),
  };
}

/** The place as a query string to append to a letter's links: `?adapter=yn&kind=…`, or ''. */
export function placeQuery(place: ListPlace): string {
  const params = new URLSearchParams(
    Object.entries(place).filter((e): e is [string, string] => typeof e[1] === 'string' && !!e[1]),
  ).toString();
  return params ? `?${params}` : '';
}
