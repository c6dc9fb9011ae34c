// A status query job (gateway/README.md#silence-reconciliation, adapters/README.md#status-query),
// run by the adapter's own worker between its deliveries, under the same rate limit: ask the
// province where a silent case stands (the adapter's queryStatus, in its dialect) and hand the
// answer to the gateway's recorder, which brings the case up to date through the lifecycle.
// One attempt and no breaker: a query that fails is simply asked again after the next silence.
import { UnrecoverableError } from 'bullmq';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import { AWAITING_PROVINCE } from '../../gateway/cases/lifecycle.ts';
import type { StatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import type { RateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import type { ProvinceAdapter } from './contract.ts';

export interface StatusQueryDeps {
  store: CaseStore;
  statusQueries: StatusQueryRecorder;
  log: Logger;
  /** Where failed queries are reported, at most one line a second. */
  failures: RateLimitedLog;
}

export type StatusQueryOutcome =
  { queried: true; found: boolean; applied: string[] } | { queried: false; skipped: string };

export async function runStatusQuery(
  caseId: string,
  adapter: ProvinceAdapter,
  deps: StatusQueryDeps,
): Promise<StatusQueryOutcome> {
  const record = await deps.store.get(caseId);
  // Moved on since the claim (an event arrived, the case closed): nothing to ask.
  if (!record || record.kind === 'joint-parent' || !AWAITING_PROVINCE.has(record.status)) {
    return { queried: false, skipped: record?.status ?? 'missing' };
  }
  const log = deps.log.child({ caseId, statusQuery: true });
  let answer;
  try {
    answer = await adapter.queryStatus(
      { caseId, ...(record.provinceCaseNo ? { provinceCaseNo: record.provinceCaseNo } : {}) },
      { log },
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.failures.warn(
      'status-query-failed',
      { caseId, reason },
      'status query failed; asked again after the next silence',
    );
    throw new UnrecoverableError(reason);
  }
  const outcome = await deps.statusQueries.record(caseId, adapter.id, answer);
  log.info(
    { found: answer.found, applied: outcome.applied, ignored: outcome.ignored },
    'status query answered',
  );
  return { queried: true, found: answer.found, applied: outcome.applied };
}
