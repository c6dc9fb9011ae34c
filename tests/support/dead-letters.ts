// A dead letter as the worker leaves one: a signed submission through the gateway, then the
// store's own delivery-failed move with the reason an adapter writes (adapters/kit/job-runner.ts),
// for tests of what operators see and do with dead letters without a province to fail.
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
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
