// Paging the console's dead-letter list (gateway/console/README.md#pages), oldest failure first:
// forwards by the API's position cursor (`cursor`: the page after that letter), backwards by the
// same kind of position (`before`: the page before that letter, read backwards from it when the
// operator asks, so no page costs a backward read it may never need), and from the oldest. Every
// link keeps the filters. A page back that reaches the oldest letter is the first page itself, so
// the operator lands where "From the oldest" would have taken them.
import {
  deadLetterCursor,
  deadLetterPage,
  deadLetterPageBefore,
  deadLetterPosition,
} from '../admin/dead-letter-page.ts';
import type { DeadLetter, DeadLetterReader } from '../admin/dead-letters.ts';
import type { CaseStore } from '../cases/case-store.ts';
import type { DeadLetterFilter } from '../cases/dead-letter-index.ts';
import { isGatewayError } from '../shared/errors.ts';
import { ConsoleError } from './console-error.ts';
import { html, type SafeHtml } from './html.ts';
import { label } from './layout.ts';

export const PAGE_SIZE = 100;

/** Where a page of the list stands, as cursors for its links. */
export interface ListedPage {
  items: DeadLetter[];
  /** `cursor` of the page after this one (newer failures); null at the newest. */
  newer: string | null;
  /** `before` of the page before this one (older failures); null on the first page. */
  older: string | null;
  /** The first page: no link back to the oldest. */
  first: boolean;
}

/** The list's URL with these filters and this place: what the links and the filter form lead to. */
export function deadLetterListUrl(query: {
  adapter?: string;
  kind?: string;
  cursor?: string;
  before?: string;
  /** The case a replay has just queued again (the list says so atop). */
  replayed?: string;
}) {
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  return `/console/dead-letters${params ? `?${params}` : ''}`;
}

export async function readListPage(
  store: CaseStore,
  reader: DeadLetterReader,
  filter: DeadLetterFilter,
  at: { cursor?: string; before?: string },
): Promise<ListedPage> {
  if (at.cursor && at.before)
    throw new ConsoleError(400, '只能给出一个分页游标', 'Give one cursor: cursor or before');
  const request = { ...filter, limit: PAGE_SIZE };
  if (at.before) {
    const back = await deadLetterPageBefore(store, reader, {
      ...request,
      before: position(at.before)!,
    });
    if (back.previous)
      return {
        items: back.items,
        newer: deadLetterCursor(back.newest),
        older: deadLetterCursor(back.previous),
        first: false,
      };
    // Back at the oldest: the first page as it stands, however many letters it now holds.
  }
  const after = at.before ? undefined : position(at.cursor);
  const page = await deadLetterPage(store, reader, { ...request, after });
  return {
    items: page.items,
    newer: deadLetterCursor(page.next),
    older: after ? deadLetterCursor(page.first) : null,
    first: !after,
  };
}

/** The cursor's position; one this list did not give out is a 400 page, not a 500. */
function position(cursor: string | undefined) {
  try {
    return deadLetterPosition(cursor);
  } catch (error) {
    if (isGatewayError(error) && error.code === 'GW_INVALID_PARAMETER')
      throw new ConsoleError(400, '分页游标无效', 'Not a cursor this list gave out');
    throw error;
  }
}

/** From the oldest, older failures, newer failures: each keeping the filters. */
export function pageLinks(filter: DeadLetterFilter, page: ListedPage): SafeHtml | '' {
  const url = (at: { cursor?: string; before?: string }) =>
    deadLetterListUrl({ adapter: filter.adapter, kind: filter.kind, ...at });
  const links = [
    page.first
      ? ''
      : html`<a id="dead-letters-oldest" href="${url({})}"
          >${label('从最早的起', 'From the oldest')}</a
        >`,
    page.older
      ? html`<a id="dead-letters-older" href="${url({ before: page.older })}"
          >‹ ${label('更早失败的', 'Older failures')}</a
        >`
      : '',
    page.newer
      ? html`<a id="dead-letters-newer" href="${url({ cursor: page.newer })}"
          >${label('更晚失败的', 'Newer failures')} ›</a
        >`
      : '',
  ].filter((l) => l !== '');
  return links.length ? html`<p class="actions" id="dead-letter-pages">${links}</p>` : '';
}
