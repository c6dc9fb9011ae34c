// A status query job (gateway/README.md#silence-reconciliation, adapters/README.md#status-query),
// run by the adapter's own worker between its deliveries, under the same rate limit: ask the
// province where a silent case stands (the adapter's queryStatus, in its dialect) and hand the
// answer to the gateway's recorder, which brings the case up to date through the lifecycle.
// One attempt and no breaker: a query that fails is simply asked again after the next silence.
// Each run's outcome is counted in gw_status_queries_total{adapter,outcome} and the province call
// timed in gw_status_query_duration_seconds{adapter} (gateway/metrics/worker-metrics.ts).
// A province's error text may quote the applicant (an ID number it echoes back), as a delivery's
// may: the failure is logged, and the job failed (BullMQ keeps its reason and stack in Redis), with
// that text masked (personal-data/mask-free-text.ts), as the job runner masks a delivery's.
import { UnrecoverableError } from 'bullmq';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import { maskFreeText } from '../../gateway/personal-data/mask-free-text.ts';
import { AWAITING_PROVINCE } from '../../gateway/cases/lifecycle.ts';
import type { StatusQueryRecorder } from '../../gateway/cases/record-status-query.ts';
import type { Logger } from '../../gateway/shared/logger.ts';
import type { WorkerMetrics } from '../../gateway/metrics/worker-metrics.ts';
import type { RateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import type { ProvinceAdapter } from './contract.ts';

export interface StatusQueryDeps {
  store: CaseStore;
  statusQueries: StatusQueryRecorder;
  log: Logger;
  /** Where failed queries are reported, at most one line a second. */
  failures: RateLimitedLog;
  metrics: Pick<WorkerMetrics, 'statusQuery' | 'statusQueryRequest'>;
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
    deps.metrics.statusQuery(adapter.id, 'skipped');
    return { queried: false, skipped: record?.status ?? 'missing' };
  }
  const log = deps.log.child({ caseId, statusQuery: true });
  let answer;
  const started = performance.now();
  try {
    answer = await adapter.queryStatus(
      { caseId, ...(record.provinceCaseNo ? { provinceCaseNo: record.provinceCaseNo } : {}) },
      { log },
    );
  } catch (error) {
    deps.metrics.statusQueryRequest(adapter.id, (performance.now() - started) / 1000);
    deps.metrics.statusQuery(adapter.id, 'failed');
    const reason = maskFreeText(error instanceof Error ? error.message : String(error));
    deps.failures.warn(
      'status-query-failed',
      { caseId, reason },
      'status query failed; asked again after the next silence',
    );
    throw new UnrecoverableError(reason);
  }
  deps.metrics.statusQueryRequest(adapter.id, (performance.now() - started) / 1000);
  const outcome = await deps.statusQueries.record(caseId, adapter.id, answer);
  deps.metrics.statusQuery(adapter.id, answer.found ? 'answered' : 'not-found');
  log.info(
    { found: answer.found, applied: outcome.applied, ignored: outcome.ignored },
    'status query answered',
  );
  return { queried: true, found: answer.found, applied: outcome.applied };
}
