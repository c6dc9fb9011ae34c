// From a stored case to what an adapter receives (adapters/kit/contract.ts).
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import type { DeliveryRequest } from './contract.ts';

export function toDeliveryRequest(record: RoutedCase, itemName: string): DeliveryRequest {
  const { envelope } = record;
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
