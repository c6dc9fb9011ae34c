// Dead letters (DESIGN.md §5): cases whose delivery failed for good (DELIVERY_FAILED), listed for
// operators and replayable once the province has recovered. A replay is audited in the case
// history (who, when) and re-runs the same BullMQ job (job id = case id), so the province's
// idempotency on the case id still guarantees one provincial case.
import { Job } from 'bullmq';
import type { CaseStore } from '../cases/case-store.ts';
import { phaseOf } from '../cases/case-status.ts';
import type { CaseQueues } from '../queues/case-queues.ts';
import { GatewayError } from '../shared/errors.ts';

export interface DeadLetter {
  caseId: string;
  itemCode: string;
  adapter: string | undefined;
  failedAt: string;
  reason: string | undefined;
}

export interface DeadLetterDeps {
  store: CaseStore;
  queues: CaseQueues;
}

export async function listDeadLetters(store: CaseStore, limit = 500): Promise<DeadLetter[]> {
  const raw = (await store.redis.call(
    'ZRANGE',
    store.deadLettersKey(),
    0,
    limit - 1,
    'WITHSCORES',
  )) as unknown[];
  // RESP3 answers [member, score] pairs, RESP2 a flat list: accept both.
  const pairs: [string, string][] = Array.isArray(raw[0])
    ? (raw as [string, string][])
    : Array.from({ length: raw.length / 2 }, (_, i) => [
        String(raw[2 * i]),
        String(raw[2 * i + 1]),
      ]);
  const out: DeadLetter[] = [];
  for (const [caseId, score] of pairs) {
    const record = await store.get(caseId);
    if (!record || record.status !== 'DELIVERY_FAILED') continue;
    out.push({
      caseId: record.id,
      itemCode: record.itemCode,
      adapter: record.route?.adapter,
      failedAt: new Date(Number(score)).toISOString(),
      reason: (record as { failureReason?: string }).failureReason,
    });
  }
  return out;
}

export async function replayDeadLetter(deps: DeadLetterDeps, caseId: string, operatorId: string) {
  const record = await deps.store.get(caseId);
  if (!record?.route)
    throw new GatewayError('GW_CASE_NOT_FOUND', { detail: `No case ${caseId.slice(0, 40)}` });
  const at = new Date().toISOString();
  const moved = await deps.store.transition(caseId, ['DELIVERY_FAILED'], 'ROUTED', [
    { at, status: 'ROUTED', actor: operatorId, note: `dead letter replayed by ${operatorId}` },
  ]);
  if (!moved.ok) {
    throw new GatewayError('GW_ILLEGAL_TRANSITION', {
      detail: `Only DELIVERY_FAILED cases can be replayed; ${caseId} is ${'current' in moved ? moved.current : 'missing'}`,
    });
  }
  await deps.store.redis.zrem(deps.store.deadLettersKey(), caseId);
  const queue = deps.queues.queue(record.route.adapter);
  const job = await Job.fromId(queue, caseId);
  if (job && (await job.isFailed())) await job.retry('failed', { resetAttemptsMade: true });
  else if (!job) await deps.queues.enqueue(caseId, record.route.adapter);
  return { caseId, status: 'ROUTED' as const, phase: phaseOf('ROUTED') };
}
