// The 广西 智桂通 open-platform request: an application/x-www-form-urlencoded body of flat string
// fields (public parameters + business fields); anything nested (the item payload, materials,
// postal details) travels as a JSON string field. `sign` is HMAC-SM3 with the app secret over the
// other non-empty fields sorted by name (ASCII), joined as name=value with '&', using the raw
// (decoded) values — so the sign does not depend on how the form was percent-encoded.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DeliveryRequest } from '../kit/contract.ts';

export const GX_METHOD = 'zgt.case.receive';
export const GX_SIGN_TYPE = 'HMAC-SM3';

export type GxForm = Record<string, string>;

/** yyyy-MM-dd HH:mm:ss in Beijing time (UTC+8), the platform's timestamp format. */
export function gxTime(at: Date = new Date()): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Milliseconds since the epoch of a gxTime() string, or NaN. */
export function parseGxTime(text: string): number {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text)) return Number.NaN;
  return Date.parse(`${text.replace(' ', 'T')}+08:00`);
}

export function gxSigningText(form: GxForm): string {
  return Object.keys(form)
    .filter((k) => k !== 'sign' && form[k] !== '')
    .sort()
    .map((k) => `${k}=${form[k]}`)
    .join('&');
}

export function gxSign(form: GxForm, appSecret: string): string {
  return createHmac('sm3', appSecret).update(gxSigningText(form), 'utf8').digest('hex');
}

export function gxSignValid(form: GxForm, appSecret: string): boolean {
  const given = form.sign ?? '';
  const expected = gxSign(form, appSecret);
  return (
    /^[0-9a-f]{64}$/.test(given) &&
    timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))
  );
}

/** Public parameters + business fields, signed. Absent or empty fields are omitted. */
export function signedForm(
  method: string,
  business: Record<string, string | undefined>,
  appId: string,
  appSecret: string,
): GxForm {
  const fields: Record<string, string | undefined> = {
    app_id: appId,
    method,
    charset: 'utf-8',
    sign_type: GX_SIGN_TYPE,
    timestamp: gxTime(),
    nonce: randomBytes(16).toString('hex'),
    version: '1.0',
    ...business,
  };
  const form = Object.fromEntries(
    Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  return { ...form, sign: gxSign(form, appSecret) };
}

/** One case's form. */
export function caseForm(request: DeliveryRequest, appId: string, appSecret: string): GxForm {
  const { applicant } = request;
  const business: Record<string, string | undefined> = {
    // biz_no is the platform's idempotency key: our case id.
    biz_no: request.caseId,
    item_code: request.itemCode,
    item_name: request.itemName,
    item_version: String(request.itemVersion),
    handle_mode: request.mode,
    receiving_region: request.receivingRegion,
    target_region: request.targetRegion,
    region_level: request.level,
    party_role: request.role,
    applicant_type: request.applicant.type,
    applicant_name: applicant.name,
    cert_type: applicant.type === 'person' ? 'ID_CARD' : 'USCC',
    cert_no: applicant.type === 'person' ? applicant.idNumber : applicant.creditCode,
    applicant_phone: applicant.phone,
    submitted_at: request.submittedAt,
    payload: JSON.stringify(request.payload),
    materials: JSON.stringify(request.materials),
    postal: request.postal ? JSON.stringify(request.postal) : undefined,
  };
  return signedForm(GX_METHOD, business, appId, appSecret);
}
