// A data key's retirement as operators drive it (gateway/README.md#key-rotation): a census of the
// keys the stored envelopes, results, failure reasons, comments, history notes and callback jobs'
// results are sealed under, and their re-seal under the current key, each one page per request
// (cases/sealed-records.ts), the CLI following the cursor.
// Both need the `data-keys` right. Each page is audited under the operator, its counts as the
// entry's reason (never content): a re-seal page as `data-keys.reseal`, a census page as
// `data-keys.census` — it changes nothing, but it tells which keys still seal personal data, and
// when a key is about to be dropped the chain should show who looked. The pages' sums and what
// they say of each key (keyVerdicts) live here too: the CLI and the console show the same.
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import type { CaseStore } from '../cases/case-store.ts';
import {
  emptyResealCounts,
  type CensusPage,
  type ResealPage,
  type UnreadableRecord,
  type WalkPosition,
} from '../cases/sealed-records.ts';
import { encodeCursor } from '../http/cursor.ts';
import { GatewayError } from '../shared/errors.ts';

export interface DataKeyDeps {
  store: CaseStore;
  audit: AuditLog;
}

export const DATA_KEY_PAGE_DEFAULT = 200;
export const DATA_KEY_PAGE_MAX = 1000;

/** What a cursor of these walks decodes to: `<node>:<SCAN cursor>`. */
const POSITION = /^(0|[1-9][0-9]{0,3}):(0|[1-9][0-9]{0,19})$/;
const MAX_SCAN_CURSOR = 2n ** 64n - 1n;

/** The walk position a cursor names; else 400 GW_INVALID_PARAMETER at /query/cursor. */
export function decodeWalkCursor(cursor: string | undefined): WalkPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = POSITION.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // SCAN's cursor is an unsigned 64-bit number: Redis refuses a larger one (ERR invalid cursor),
  // which would otherwise surface as a 500 after the walk had started.
  if (!match || BigInt(match[2]!) > MAX_SCAN_CURSOR) {
    throw new GatewayError('GW_INVALID_PARAMETER', {
      errors: [
        {
          path: '/query/cursor',
          message: 'is not a cursor this walk gave out',
          messageZh: '不是本次遍历返回的游标',
        },
      ],
    });
  }
  return { node: Number(match[1]), scan: match[2]! };
}

function nextCursor(next: WalkPosition | null): string | null {
  return next ? encodeCursor(`${next.node}:${next.scan}`) : null;
}

export interface DataKeyPageQuery {
  cursor?: string;
  limit?: string;
}

function pageArguments(query: DataKeyPageQuery): [WalkPosition | undefined, number] {
  const limit = query.limit === undefined ? DATA_KEY_PAGE_DEFAULT : Number(query.limit);
  return [decodeWalkCursor(query.cursor), limit];
}

export type CensusAnswer = Omit<CensusPage, 'next'> & { nextCursor: string | null };

/** One page of the census, audited as `data-keys.census` with its counts. */
export function censusAudited(
  deps: DataKeyDeps,
  request: OperatorRequest & DataKeyPageQuery,
): Promise<CensusAnswer> {
  // Before the audit: a bad cursor is the caller's mistake, answered 400 and not appended.
  const [from, limit] = pageArguments(request);
  return auditedAction(
    deps.audit,
    request,
    { action: 'data-keys.census', target: 'data-keys', right: 'data-keys' },
    async () => {
      const { next, ...page } = await deps.store.sealedRecords.census(from, limit);
      return { ...page, nextCursor: nextCursor(next) };
    },
    censusSummary,
  );
}

function countsByKey(counts: Readonly<Record<string, number>>): string {
  const ids = Object.keys(counts).sort();
  return ids.length === 0 ? 'none' : ids.map((id) => `${id} ${counts[id]}`).join(' ');
}

/** The audit entry's reason: the page's counts by key id, never content or case ids. */
export function censusSummary(page: Omit<CensusPage, 'next'>): string {
  return [
    `current ${page.currentKeyId}, listed ${page.listedKeyIds.join(' ')}: ${page.cases} cases`,
    `envelopes ${countsByKey(page.envelopes)}`,
    `results ${countsByKey(page.results)}`,
    `${page.clearResults} clear results`,
    `failure reasons ${countsByKey(page.failureReasons)}`,
    `${page.clearFailureReasons} clear failure reasons`,
    `comments ${countsByKey(page.comments)}`,
    `notes ${countsByKey(page.notes)}`,
    `callback results ${countsByKey(page.callbackResults)}`,
    `${page.clearCallbackResults} clear callback results`,
  ].join(', ');
}

export type ResealAnswer = Omit<ResealPage, 'next'> & { nextCursor: string | null };

/** One page of the re-seal, audited as `data-keys.reseal` with its counts. */
export function resealAudited(
  deps: DataKeyDeps,
  request: OperatorRequest & DataKeyPageQuery,
): Promise<ResealAnswer> {
  // Before the audit: a bad cursor is the caller's mistake, answered 400 and not appended.
  const [from, limit] = pageArguments(request);
  return auditedAction(
    deps.audit,
    request,
    { action: 'data-keys.reseal', target: 'data-keys', right: 'data-keys' },
    async () => {
      const { next, ...page } = await deps.store.sealedRecords.reseal(from, limit);
      return { ...page, nextCursor: nextCursor(next) };
    },
    resealSummary,
  );
}

/** The audit entry's reason: what the page did, in counts and case ids, never content. */
export function resealSummary(page: Omit<ResealPage, 'next'>): string {
  const unreadable = page.unreadable.map(
    (u: UnreadableRecord) => `${u.id} ${u.record} ${u.problem}${u.keyId ? ` ${u.keyId}` : ''}`,
  );
  return [
    `under ${page.currentKeyId}: ${page.cases} cases`,
    `${page.resealed.envelopes} envelopes, ${page.resealed.results} results, ${page.resealed.failureReasons} failure reasons, ${page.resealed.comments} comments, ${page.resealed.notes} notes and ${page.resealed.callbackResults} callback results re-sealed`,
    `${page.sealedClearResults} clear results, ${page.sealedClearFailureReasons} clear failure reasons and ${page.sealedClearCallbackResults} clear callback results sealed`,
    `${page.unreadable.length} unreadable${unreadable.length ? ` (${unreadable.join('; ')})` : ''}`,
    `${page.changed.length} changed meanwhile`,
  ].join(', ');
}

/** The census of every page, summed: what the CLI and the console show. */
export type CensusSum = Omit<CensusPage, 'next'>;

/** The re-seal of every page, summed. */
export type ResealSum = Omit<ResealPage, 'next'>;

/** Each key id the census met or the gateway lists, and what it means for retiring it. */
export interface KeyVerdict {
  keyId: string;
  records: number;
  verdict: 'current' | 'needed' | 'removable' | 'not-listed';
}

export function emptyCensus(): CensusSum {
  return {
    currentKeyId: '',
    listedKeyIds: [],
    cases: 0,
    envelopes: {},
    results: {},
    clearResults: 0,
    comments: {},
    notes: {},
    failureReasons: {},
    clearFailureReasons: 0,
    callbackResults: {},
    clearCallbackResults: 0,
  };
}

export function emptyReseal(): ResealSum {
  return emptyResealCounts('');
}

/** `from` undefined: a page of a gateway of the previous version (a rolling upgrade) counts none. */
function addCounts(
  into: Record<string, number>,
  from: Readonly<Record<string, number>> | undefined,
): void {
  for (const [id, n] of Object.entries(from ?? {})) into[id] = (into[id] ?? 0) + n;
}

/** Adds one census page to the sum (in place). */
export function addCensusPage(sum: CensusSum, page: CensusSum): void {
  sum.currentKeyId = page.currentKeyId;
  sum.listedKeyIds = page.listedKeyIds;
  sum.cases += page.cases;
  addCounts(sum.envelopes, page.envelopes);
  addCounts(sum.results, page.results);
  sum.clearResults += page.clearResults;
  addCounts(sum.comments, page.comments);
  addCounts(sum.notes, page.notes);
  addCounts(sum.failureReasons, page.failureReasons);
  sum.clearFailureReasons += page.clearFailureReasons ?? 0;
  addCounts(sum.callbackResults, page.callbackResults);
  sum.clearCallbackResults += page.clearCallbackResults ?? 0;
}

/** Adds one re-seal page to the sum (in place). */
export function addResealPage(sum: ResealSum, page: ResealSum): void {
  sum.currentKeyId = page.currentKeyId;
  sum.cases += page.cases;
  sum.resealed.envelopes += page.resealed.envelopes;
  sum.resealed.results += page.resealed.results;
  sum.resealed.comments += page.resealed.comments;
  sum.resealed.notes += page.resealed.notes;
  sum.resealed.failureReasons += page.resealed.failureReasons ?? 0;
  sum.resealed.callbackResults += page.resealed.callbackResults ?? 0;
  sum.sealedClearResults += page.sealedClearResults;
  sum.sealedClearFailureReasons += page.sealedClearFailureReasons ?? 0;
  sum.sealedClearCallbackResults += page.sealedClearCallbackResults ?? 0;
  sum.unreadable.push(...page.unreadable);
  sum.changed.push(...page.changed);
}

/** What each key id means: the current one, listed and still sealing records, removable, unknown. */
export function keyVerdicts(sum: CensusSum): KeyVerdict[] {
  const records: Record<string, number> = {};
  addCounts(records, sum.envelopes);
  addCounts(records, sum.results);
  addCounts(records, sum.comments);
  addCounts(records, sum.notes);
  addCounts(records, sum.failureReasons);
  addCounts(records, sum.callbackResults);
  return verdictsOf(sum.currentKeyId, sum.listedKeyIds, records);
}

/**
 * The verdicts of a census that counted `records` by key id: the gateway's, or the reference
 * portal's (portal/server/portal-sealed-records.ts), whose keys retire by the same rule.
 */
export function verdictsOf(
  currentKeyId: string,
  listedKeyIds: readonly string[],
  records: Readonly<Record<string, number>>,
): KeyVerdict[] {
  const ids = [...new Set([...listedKeyIds, ...Object.keys(records)])];
  return ids.map((keyId) => {
    const n = records[keyId] ?? 0;
    const verdict =
      keyId === currentKeyId
        ? 'current'
        : !listedKeyIds.includes(keyId)
          ? 'not-listed'
          : n > 0
            ? 'needed'
            : 'removable';
    return { keyId, records: n, verdict };
  });
}
