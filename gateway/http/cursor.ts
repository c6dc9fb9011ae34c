// Opaque list cursors (gateway/README.md#lists): a list answers `{ items, nextCursor }` and the
// client sends `nextCursor` back as `cursor` to continue. The cursor is the position (an id) in
// base64url, so clients do not build one, and one that does not decode to a position is 400
// GW_INVALID_PARAMETER at /query/cursor, never a 500.
import { PAGE_LIMIT_PATTERN } from '../catalogue/pattern-words.ts';
import { GatewayError } from '../shared/errors.ts';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

/** The query schema of a list's paging parameters; `limit` is a digit string (queries are text). */
export const PAGE_QUERY_PROPERTIES = {
  cursor: {
    type: 'string',
    pattern: '^[A-Za-z0-9_-]{1,200}$',
    description: 'The nextCursor of the previous page.',
  },
  limit: {
    type: 'string',
    pattern: PAGE_LIMIT_PATTERN,
    description: `Items per page, 1–${MAX_PAGE} (default ${DEFAULT_PAGE}).`,
  },
} as const;

export function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

/** The position a cursor names, if it has the shape `position` expects; else 400. */
export function decodeCursor(cursor: string | undefined, position: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!position.test(decoded)) {
    throw new GatewayError('GW_INVALID_PARAMETER', {
      errors: [
        {
          path: '/query/cursor',
          message: 'is not a cursor this list gave out',
          messageZh: '不是本列表返回的游标',
        },
      ],
    });
  }
  return decoded;
}

export function pageLimit(limit: string | undefined): number {
  return limit === undefined ? DEFAULT_PAGE : Number(limit);
}
