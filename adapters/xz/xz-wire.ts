// The 藏易通 application body: camelCase JSON. businessNo carries the gateway case id and is
// unique at the platform. The platform is asynchronous: it queues the application, answers
// 202 { ticket } at once, and reports acceptance and the decision later through events.
import type { DeliveryRequest } from '../kit/contract.ts';

export const XZ_APPLICATIONS_PATH = '/zyt/openapi/v1/applications';
/** `Authorization: ApiKey <key>`, the platform's scheme for system-to-system callers. */
export const XZ_AUTH_SCHEME = 'ApiKey';

export interface XzApplication {
  businessNo: string;
  service: { code: string; name: string; version: number };
  handlingMode: string;
  regions: { accept: string; handle: string; level: string };
  jointRole?: string;
  applicant: {
    category: 'individual' | 'organization';
    name: string;
    idType: 'ID_CARD' | 'USCC';
    idNo: string;
    phone?: string;
  };
  formData: Record<string, unknown>;
  files: {
    title: string;
    mime: string;
    size: number;
    checksum: { alg: string; value: string };
    href: string;
  }[];
  delivery?: { carrier: string; trackingNo: string };
  submittedAt: string;
}

export function toApplication(request: DeliveryRequest): XzApplication {
  const { applicant } = request;
  const person = applicant.type === 'person';
  return {
    businessNo: request.caseId,
    service: { code: request.itemCode, name: request.itemName, version: request.itemVersion },
    handlingMode: request.mode,
    regions: {
      accept: request.receivingRegion,
      handle: request.targetRegion,
      level: request.level,
    },
    ...(request.role === undefined ? {} : { jointRole: request.role }),
    applicant: {
      category: person ? 'individual' : 'organization',
      name: applicant.name,
      idType: person ? 'ID_CARD' : 'USCC',
      idNo: (person ? applicant.idNumber : applicant.creditCode) ?? '',
      ...(applicant.phone === undefined ? {} : { phone: applicant.phone }),
    },
    formData: request.payload,
    files: request.materials.map((m) => ({
      title: m.name,
      mime: m.mediaType,
      size: m.size,
      checksum:
        m.sha256 === undefined
          ? { alg: 'SM3', value: m.sm3 ?? '' }
          : { alg: 'SHA-256', value: m.sha256 },
      href: m.uri,
    })),
    ...(request.postal === undefined
      ? {}
      : { delivery: { carrier: request.postal.carrier, trackingNo: request.postal.waybillNo } }),
    submittedAt: request.submittedAt,
  };
}
