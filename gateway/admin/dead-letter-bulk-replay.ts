// The bulk replay (gateway/README.md#dead-letters): after a province's outage, the oldest `limit`
// dead letters of one adapter and failure kind queued again in one request, each through the same
// audited use case as a single replay (replayDeadLetterAudited: its history entry, its audit
// entry), so a bulk replay leaves the same trail as replaying them one by one. A case another
// operator replayed meanwhile (409) or that is gone (404) is skipped and named, never an error of
// the whole batch. Cases the province refused are not replayed in bulk: it would refuse the same
// cases again; an operator checks and replays them one by one.
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction, type OperatorRequest } from '../audit/operator-audit.ts';
import type { FailureKindKey } from '../cases/failure-kind.ts';
import { MAX_PAGE } from '../http/cursor.ts';
import { GatewayError, isGatewayError } from '../shared/errors.ts';
import type { DeadLetterPosition } from '../cases/dead-letter-list.ts';
import { deadLetterPage } from './dead-letter-page.ts';
import { summariseDeadLetters } from './dead-letter-summary.ts';
import {
  replayDeadLetterAudited,
  type DeadLetterDeps,
  type DeadLetterReader,
} from './dead-letters.ts';

export interface BulkReplayRequest extends OperatorRequest {
  adapter: string;
  kind: FailureKindKey;
  /** At most this many (≤ MAX_PAGE; default MAX_PAGE). */
  limit?: number;
  log: DeadLetterReader['log'];
}

export interface BulkReplayResult {
  replayed: string[];
  skipped: { caseId: string; code: string }[];
  /** Dead letters of this adapter and kind left after the batch: 0 when done. */
  remaining: number;
}

/**
 * Needs the `replay` right; the batch itself is audited as `dead-letter.replay-bulk` of
 * `<adapter>:<kind>` (its counts as the entry's reason), each case as `dead-letter.replay`.
 */
export function replayDeadLettersInBulk(
  deps: DeadLetterDeps & { audit: AuditLog },
  request: BulkReplayRequest,
): Promise<BulkReplayResult> {
  return auditedAction(
    deps.audit,
    request,
    {
      action: 'dead-letter.replay-bulk',
      target: `${request.adapter}:${request.kind}`.slice(0, 64),
      right: 'replay',
    },
    () => replayBatch(deps, request),
    (r) => `replayed ${r.replayed.length}, skipped ${r.skipped.length}, remaining ${r.remaining}`,
  );
}

/**
 * 422 GW_BULK_REPLAY_REFUSED at /kind for kind `refused`: the province would refuse the same cases
 * again. The batch's own check, and the console's before it offers a confirmation page.
 */
export function refuseBulkReplayOfRefused(kind: FailureKindKey): void {
  if (kind === 'refused')
    throw new GatewayError('GW_BULK_REPLAY_REFUSED', {
      detail:
        'The province refused these cases for good and would refuse them again: check each and replay it alone.',
      errors: [
        {
          path: '/kind',
          message: 'refused cases are replayed one by one, after checking',
          messageZh: '省级平台拒收的办件须逐件核对后重放',
        },
      ],
    });
}

async function replayBatch(
  deps: DeadLetterDeps & { audit: AuditLog },
  request: BulkReplayRequest,
): Promise<BulkReplayResult> {
  const { adapter, kind, operator, requestId } = request;
  refuseBulkReplayOfRefused(kind);
  const caseIds = await oldest(deps, request, Math.min(request.limit ?? MAX_PAGE, MAX_PAGE));
  const replayed: string[] = [];
  const skipped: BulkReplayResult['skipped'] = [];
  for (const caseId of caseIds) {
    try {
      await replayDeadLetterAudited(deps, { operator, requestId, caseId });
      replayed.push(caseId);
    } catch (error) {
      // Replayed by someone else since the list was read, or gone: that case only.
      if (!isGatewayError(error) || (error.status !== 409 && error.status !== 404)) throw error;
      skipped.push({ caseId, code: error.code });
    }
  }
  const { total } = await summariseDeadLetters(deps.store, { adapter, kind });
  return { replayed, skipped, remaining: total };
}

/** The case ids of the oldest `limit` dead letters of the request's adapter and kind. */
async function oldest(
  deps: DeadLetterDeps,
  request: BulkReplayRequest,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  let after: DeadLetterPosition | undefined;
  do {
    const page = await deadLetterPage(
      deps.store,
      { unmasked: false, log: request.log },
      { adapter: request.adapter, kind: request.kind, after, limit: limit - ids.length },
    );
    ids.push(...page.items.map((d) => d.caseId));
    after = page.next;
  } while (after && ids.length < limit);
  return ids;
}
