// The 渝快办 open-API 办件 (case) body: snake_case JSON. out_biz_no carries the gateway case id
// and is unique at the platform, so a retried delivery answers the existing 办件编号 (bjbh) with
// repeat: true.
import type { DeliveryRequest } from '../kit/contract.ts';

export const CQ_CASES_PATH = '/ykb/openapi/kstb/v1/banjian';

/** 证件类型 in 渝快办's code table: 居民身份证 01, 统一社会信用代码 49. */
export const CQ_CERT_TYPE = { person: '01', enterprise: '49' } as const;

export interface CqBanjian {
  out_biz_no: string;
  item_code: string;
  item_name: string;
  item_version: number;
  handle_mode: string;
  accept_area_code: string;
  handle_area_code: string;
  handle_level: string;
  joint_role?: string;
  applicant: {
    subject_type: 'natural' | 'legal';
    name: string;
    cert_type: string;
    cert_no: string;
    mobile?: string;
  };
  form: Record<string, unknown>;
  materials: {
    name: string;
    mime_type: string;
    size: number;
    hash_alg: string;
    hash: string;
    url: string;
  }[];
  express?: { company: string; waybill_no: string };
  apply_time: string;
}

export function toBanjian(request: DeliveryRequest): CqBanjian {
  const { applicant } = request;
  return {
    out_biz_no: request.caseId,
    item_code: request.itemCode,
    item_name: request.itemName,
    item_version: request.itemVersion,
    handle_mode: request.mode,
    accept_area_code: request.receivingRegion,
    handle_area_code: request.targetRegion,
    handle_level: request.level,
    ...(request.role === undefined ? {} : { joint_role: request.role }),
    applicant: {
      subject_type: applicant.type === 'person' ? 'natural' : 'legal',
      name: applicant.name,
      cert_type: CQ_CERT_TYPE[applicant.type],
      cert_no: (applicant.type === 'person' ? applicant.idNumber : applicant.creditCode) ?? '',
      ...(applicant.phone === undefined ? {} : { mobile: applicant.phone }),
    },
    form: request.payload,
    materials: request.materials.map((m) => ({
      name: m.name,
      mime_type: m.mediaType,
      size: m.size,
      hash_alg: m.sha256 === undefined ? 'SM3' : 'SHA256',
      hash: m.sha256 ?? m.sm3 ?? '',
      url: m.uri,
    })),
    ...(request.postal === undefined
      ? {}
      : { express: { company: request.postal.carrier, waybill_no: request.postal.waybillNo } }),
    apply_time: request.submittedAt,
  };
}
