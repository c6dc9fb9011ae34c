// The 天府蓉易办 (成都) application body: plain camelCase JSON. The platform's idempotency is the
// Idempotency-Key header (the gateway case id); externalRef repeats it for the city's own records.
import type { DeliveryRequest } from '../kit/contract.ts';

export const CHENGDU_APPLICATIONS_PATH = '/api/v2/kstb/applications';
export const CHENGDU_API_KEY_HEADER = 'X-Api-Key';

export interface ChengduApplication {
  externalRef: string;
  service: { code: string; name: string; version: number };
  channel: 'online' | 'proxy' | 'joint';
  acceptingDivision: string;
  handlingDivision: string;
  handlingLevel: 'province' | 'prefecture' | 'county';
  jointRole?: string;
  applicant: {
    kind: 'natural-person' | 'legal-person';
    name: string;
    certificateType: 'RESIDENT_ID' | 'USCC';
    certificateNo: string;
    mobile?: string;
  };
  formData: Record<string, unknown>;
  attachments: {
    fileName: string;
    contentType: string;
    bytes: number;
    digest: string;
    url: string;
  }[];
  mailing?: { carrier: string; trackingNo: string };
  submittedAt: string;
}

export function toApplication(request: DeliveryRequest): ChengduApplication {
  const { applicant } = request;
  const person = applicant.type === 'person';
  return {
    externalRef: request.caseId,
    service: { code: request.itemCode, name: request.itemName, version: request.itemVersion },
    channel: request.mode,
    acceptingDivision: request.receivingRegion,
    handlingDivision: request.targetRegion,
    handlingLevel: request.level,
    ...(request.role === undefined ? {} : { jointRole: request.role }),
    applicant: {
      kind: person ? 'natural-person' : 'legal-person',
      name: applicant.name,
      certificateType: person ? 'RESIDENT_ID' : 'USCC',
      certificateNo: (person ? applicant.idNumber : applicant.creditCode) ?? '',
      ...(applicant.phone === undefined ? {} : { mobile: applicant.phone }),
    },
    formData: request.payload,
    // The digest names its algorithm, the way the city's file service stores it.
    attachments: request.materials.map((m) => ({
      fileName: m.name,
      contentType: m.mediaType,
      bytes: m.size,
      digest: m.sha256 === undefined ? `sm3:${m.sm3 ?? ''}` : `sha256:${m.sha256}`,
      url: m.uri,
    })),
    ...(request.postal === undefined
      ? {}
      : { mailing: { carrier: request.postal.carrier, trackingNo: request.postal.waybillNo } }),
    submittedAt: request.submittedAt,
  };
}
