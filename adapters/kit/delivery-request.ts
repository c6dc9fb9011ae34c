// From a stored case to what an adapter receives (adapters/kit/contract.ts).
import type { CaseRecord } from '../../gateway/cases/case-record.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import type { DeliveryRequest } from './contract.ts';

export function toDeliveryRequest(record: CaseRecord, itemName: string): DeliveryRequest {
  const envelope = record.envelope as SubmissionEnvelope;
  if (!record.route) throw new Error(`case ${record.id} has no route`);
  return {
    caseId: record.id,
    itemCode: record.itemCode,
    itemVersion: record.itemVersion,
    itemName,
    mode: envelope.mode,
    receivingRegion: record.receivingRegion,
    targetRegion: record.route.targetRegion,
    level: record.route.level as DeliveryRequest['level'],
    ...(record.role ? { role: record.role } : {}),
    applicant: { ...envelope.applicant },
    payload: { ...envelope.payload },
    materials: (envelope.materials ?? []).map((m) => ({ ...m })),
    ...(envelope.postal ? { postal: { ...envelope.postal } } : {}),
    submittedAt: record.createdAt,
  };
}
