// From a stored case to what an adapter receives (adapters/kit/contract.ts): the record and its
// envelope, which the job runner opens (decrypts) for this delivery only
// (gateway/README.md#encryption-at-rest).
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import type { DeliveryRequest } from './contract.ts';

export function toDeliveryRequest(
  record: RoutedCase,
  envelope: SubmissionEnvelope,
  itemName: string,
): DeliveryRequest {
  return {
    caseId: record.id,
    itemCode: record.itemCode,
    itemVersion: record.itemVersion,
    itemName,
    mode: envelope.mode,
    receivingRegion: record.receivingRegion,
    targetRegion: record.route.targetRegion,
    level: record.route.level,
    ...(record.kind === 'joint-child' ? { role: record.role } : {}),
    applicant: { ...envelope.applicant },
    payload: { ...envelope.payload },
    materials: (envelope.materials ?? []).map((m) => ({ ...m })),
    ...(envelope.postal ? { postal: { ...envelope.postal } } : {}),
    submittedAt: record.createdAt,
  };
}
