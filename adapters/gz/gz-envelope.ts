// The 贵州 envelope, both directions:
//   request  { appId, timestamp, nonce, iv, data, sign }
//   answer   { code, msg, timestamp, nonce, iv?, data?, sign }   (data only on success)
// timestamp is unix milliseconds as a string; data is the SM4 ciphertext of the business JSON;
// sign is the sender's SM2 signature over signingText(envelope) (gz-crypto.ts).
import type { DeliveryRequest } from '../kit/contract.ts';
import {
  newNonce,
  signingText,
  sm2Sign,
  sm2Verify,
  sm4Decrypt,
  sm4Encrypt,
  type Sm2KeyPair,
} from './gz-crypto.ts';

export type GzEnvelope = Record<string, string>;

/** Encrypts `body` (when given), adds timestamp and nonce, and signs. */
export function sealEnvelope(
  fields: Record<string, string>,
  body: unknown,
  sm4KeyHex: string,
  keys: Sm2KeyPair,
): GzEnvelope {
  const envelope: GzEnvelope = { ...fields, timestamp: String(Date.now()), nonce: newNonce() };
  if (body !== undefined) Object.assign(envelope, sm4Encrypt(sm4KeyHex, JSON.stringify(body)));
  envelope.sign = sm2Sign(signingText(envelope), keys);
  return envelope;
}

/** The envelope when it is a flat object of strings whose signature verifies, else undefined. */
export function verifiedEnvelope(value: unknown, publicKey: string): GzEnvelope | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const envelope: GzEnvelope = {};
  for (const [name, field] of Object.entries(value)) {
    if (typeof field !== 'string') return undefined;
    envelope[name] = field;
  }
  return sm2Verify(signingText(envelope), envelope.sign, publicKey) ? envelope : undefined;
}

/** Decrypts and parses `data`; throws when it is missing, undecryptable or not JSON. */
export function openData(envelope: GzEnvelope, sm4KeyHex: string): unknown {
  const { iv, data } = envelope;
  if (iv === undefined || data === undefined) throw new Error('envelope carries no data');
  return JSON.parse(sm4Decrypt(sm4KeyHex, { iv, data }));
}

/** Business JSON of one case. ywlsh (业务流水号) is our case id: the platform dedupes on it. */
export function gzCaseData(request: DeliveryRequest): Record<string, unknown> {
  const { applicant } = request;
  return {
    ywlsh: request.caseId,
    sxbm: request.itemCode,
    sxmc: request.itemName,
    sxbb: request.itemVersion,
    blfs: request.mode,
    slqh: request.receivingRegion,
    blqh: request.targetRegion,
    blcj: request.level,
    lbjs: request.role,
    sqr: {
      lx: applicant.type === 'person' ? 'zrr' : 'fr',
      mc: applicant.name,
      zjhm: applicant.type === 'person' ? applicant.idNumber : applicant.creditCode,
      lxdh: applicant.phone,
    },
    ywsj: request.payload,
    clxx: request.materials,
    yjxx: request.postal,
    sqsj: request.submittedAt,
  };
}

/** The success answer's business JSON. */
export interface GzAcceptData {
  ywlsh: string;
  slbh: string;
  /** '1' when ywlsh was already received: slbh is the original 受理编号. */
  sfcf: '0' | '1';
}
