// A dead letter as the worker leaves one: a signed submission through the gateway, then the
// store's own delivery-failed move with the reason an adapter writes (adapters/kit/job-runner.ts),
// for tests of what operators see and do with dead letters without a province to fail.
import { randomBytes } from 'node:crypto';
import type { RoutedCase, SingleCase } from '../../gateway/cases/case-record.ts';
import { newCaseId } from '../../gateway/cases/case-id.ts';
import type { CaseStore } from '../../gateway/cases/case-store.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import { validExample, type ApiGateway } from './api-gateway.ts';

/** Submits `item`'s valid example under `idempotencyKey` and fails its delivery for good. */
export async function submitDeadLetter(
  gw: ApiGateway,
  item: string,
  reason: string,
  idempotencyKey: string,
): Promise<RoutedCase> {
  const res = await gw
    .client('portal-sc')
    .submitCase<{ caseId: string }>(validExample(item), idempotencyKey);
  if (res.status !== 202) throw new Error(`submission answered ${res.status}`);
  const record = await gw.services.store.get(res.body.caseId);
  if (!record || record.kind === 'joint-parent')
    throw new Error(`case ${res.body.caseId} is not a routed case`);
  const moved = await recordDeliveryFailed(gw.services.store, record, {
    adapterId: record.route.adapter,
    reason,
  });
  if (!moved.ok) throw new Error(`case ${record.id} did not move to DELIVERY_FAILED`);
  return record;
}

/**
 * `count` dead letters of `adapter` made straight through the store (its create, then the
 * delivery-failed move), many at a time: an outage's worth in a second, where a signed submission
 * each would take minutes. Their records are SW-005's example routed to `adapter`.
 */
export async function storeDeadLetters(
  store: CaseStore,
  count: number,
  letter: { adapter: string; reason: string; targetRegion?: string },
): Promise<string[]> {
  const envelope = validExample('SW-005') as unknown as SubmissionEnvelope;
  const ids: string[] = [];
  for (let done = 0; done < count; done += 100) {
    const made = await Promise.all(
      Array.from({ length: Math.min(100, count - done) }, async () => {
        const keyHash = randomBytes(32).toString('hex');
        const id = newCaseId(store.submissionShard(keyHash));
        const at = new Date().toISOString();
        const region = letter.targetRegion ?? '530102';
        const record: SingleCase = {
          kind: 'single',
          id,
          status: 'ROUTED',
          itemCode: 'SW-005',
          itemVersion: 1,
          mode: 'online',
          clientId: 'portal-sc',
          receivingRegion: '510104',
          route: { adapter: letter.adapter, targetRegion: region, level: 'county' },
          adapters: [letter.adapter],
          createdAt: at,
          updatedAt: at,
          dueAt: at,
          flags: { warning: false, overdue: false, escalated: false },
        };
        const created = await store.create(
          {
            clientId: 'portal-sc',
            keyHash,
            record: { id, requestHash: 't' },
            legacyRequestHash: 't',
          },
          envelope,
          [{ record }],
        );
        if (!created.created) throw new Error(`case ${id} not created`);
        const moved = await recordDeliveryFailed(store, record, {
          adapterId: letter.adapter,
          reason: letter.reason,
        });
        if (!moved.ok) throw new Error(`case ${id} did not move to DELIVERY_FAILED`);
        return id;
      }),
    );
    ids.push(...made);
  }
  return ids;
}
