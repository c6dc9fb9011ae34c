// 贵州: one signed, encrypted envelope per case (gz-envelope.ts), POSTed as JSON. Our SM2 key signs
// the request; the platform's public key verifies its answer, and an answer that does not verify is
// not believed: a 2xx whose signature fails is refused for good (a wrong key or a tampered answer
// will not heal by retrying), a non-2xx one is classified by its HTTP status alone. The business
// JSON carries our case id as ywlsh (业务流水号), on which the platform dedupes: a second delivery
// answers code 0 with sfcf '1' and the original 受理编号 (slbh). The status query is the same kind of
// envelope to the progress endpoint (gz-status.ts).
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type AdapterContext,
  type DeliveryRequest,
  type DeliveryResult,
  type ProvinceAdapter,
  type ProvinceStatus,
  type StatusQuery,
} from '../kit/contract.ts';
import type { DialectSettings } from '../kit/adapter-descriptor.ts';
import { classifyHttpFailure, HttpBackend, parseRetryAfter } from '../kit/http-backend.ts';
import { GZ_CODES, gzOutcome } from './gz-codes.ts';
import {
  gzCaseData,
  openData,
  sealEnvelope,
  verifiedEnvelope,
  type GzAcceptData,
  type GzEnvelope,
} from './gz-envelope.ts';
import { fromBjgc, GZ_PROGRESS_PATH, GZ_UNKNOWN_CASE, type GzProgressData } from './gz-status.ts';

export const GZ_RECEIVE_PATH = '/gzzwfw/open/v1/case/receive';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const GZ_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    appId: { type: 'string', minLength: 1, description: 'Our application id at the platform.' },
    // Keys judged at start in the form adapters/gz/README.md gives them: an SM4 key of another
    // length or not hex was taken, and every delivery to 贵州 failed at its first encryption, each
    // case a dead letter after its retries.
    sm4Key: {
      type: 'string',
      minLength: 1,
      pattern: '^[0-9a-fA-F]{32}$',
      description: 'Shared SM4 key, 32 hex chars (production: env GW_ADAPTER_GZ_SM4_KEY).',
    },
    privateKey: {
      type: 'string',
      minLength: 1,
      pattern: '^[0-9a-fA-F]{64}$',
      description: 'Our SM2 private key, hex (production: env GW_ADAPTER_GZ_SM2_PRIVATE_KEY).',
    },
    publicKey: {
      type: 'string',
      minLength: 1,
      pattern: '^04[0-9a-fA-F]{128}$',
      description: 'Our SM2 public key, hex (production: env GW_ADAPTER_GZ_SM2_PUBLIC_KEY).',
    },
    platformPublicKey: {
      type: 'string',
      minLength: 1,
      pattern: '^04[0-9a-fA-F]{128}$',
      description:
        "The platform's SM2 public key that signs its answers (GW_ADAPTER_GZ_PLATFORM_PUBLIC_KEY).",
    },
    sandboxPrivateKey: {
      type: 'string',
      minLength: 1,
      description:
        "Development only: the platform's SM2 private key, with which the sandbox signs its answers.",
    },
  },
  required: ['appId', 'sm4Key', 'privateKey', 'publicKey', 'platformPublicKey'],
} as const;

export type GzSettings = DialectSettings<typeof GZ_SETTINGS_SCHEMA>;

export function createGzAdapter(settings: GzSettings): ProvinceAdapter {
  const backend = new HttpBackend('gz', settings);
  const keys = { privateKey: settings.privateKey, publicKey: settings.publicKey };

  /**
   * One sealed envelope to `path`; the verified answer when its code is 0 (or is `expected`),
   * else the failure its code or HTTP status means.
   */
  async function exchange(
    path: string,
    data: unknown,
    caseId: string,
    context: AdapterContext,
    expected?: string,
  ): Promise<GzEnvelope> {
    const envelope = sealEnvelope({ appId: settings.appId }, data, settings.sm4Key, keys);
    const response = await backend.send({ method: 'POST', path, json: envelope }, context);
    const ok = response.status >= 200 && response.status < 300;
    const body = parseOrUndefined(response.text);
    const answer = verifiedEnvelope(body, settings.platformPublicKey);
    if (!answer) {
      if (!ok) throw classifyHttpFailure(response.status, response.headers.get('retry-after'));
      if (body === undefined) {
        throw new TransientDeliveryError(`gz answered HTTP ${response.status} with no envelope`);
      }
      context.log.warn({ adapter: 'gz', caseId }, 'gz answer signature invalid');
      throw new PermanentDeliveryError('gz answer signature does not verify', 'BAD_SIGNATURE');
    }
    const code = answer.code ?? '';
    const outcome = gzOutcome(code);
    context.log.debug(
      { adapter: 'gz', caseId, code, status: response.status, outcome },
      'gz answered',
    );
    if (outcome === 'success' || code === expected) return answer;
    const message = `gz code ${code}: ${GZ_CODES[code]?.msg ?? 'unknown code'}`;
    if (outcome === 'transient') {
      throw new TransientDeliveryError(
        message,
        parseRetryAfter(response.headers.get('retry-after')),
        // 10002 请求过于频繁 is the platform's 429: slow down, not a failed attempt.
        { rateLimited: GZ_CODES[code]?.httpStatus === 429 },
      );
    }
    throw new PermanentDeliveryError(message, code);
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const answer = await exchange(GZ_RECEIVE_PATH, gzCaseData(request), request.caseId, context);
    return accepted(answer, request.caseId, settings.sm4Key);
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const { caseId } = query;
    const answer = await exchange(
      GZ_PROGRESS_PATH,
      { ywlsh: caseId },
      caseId,
      context,
      GZ_UNKNOWN_CASE,
    );
    if (answer.code === GZ_UNKNOWN_CASE) return { found: false };
    const data = opened<GzProgressData>(answer, settings.sm4Key);
    // A signed answer about another case would report foreign progress as ours.
    if (data.ywlsh !== caseId || typeof data.slbh !== 'string' || data.slbh === '') {
      throw new PermanentDeliveryError('gz answer does not match the queried case', 'MISMATCH');
    }
    return { found: true, provinceCaseNo: data.slbh, events: fromBjgc(data.bjgc) };
  }

  return { id: 'gz', deliver, queryStatus };
}

/** A verified answer's business JSON; undecryptable data will not heal by asking again. */
function opened<T>(answer: GzEnvelope, sm4Key: string): Partial<T> {
  try {
    return openData(answer, sm4Key) as Partial<T>;
  } catch (err) {
    throw new PermanentDeliveryError('gz answer data cannot be decrypted', 'BAD_CIPHERTEXT', {
      cause: err,
    });
  }
}

function accepted(answer: GzEnvelope, caseId: string, sm4Key: string): DeliveryResult {
  const data = opened<GzAcceptData>(answer, sm4Key);
  // A signed answer about another case would attach a foreign 受理编号 to ours.
  if (data.ywlsh !== caseId || typeof data.slbh !== 'string' || data.slbh === '') {
    throw new PermanentDeliveryError('gz answer does not match the delivered case', 'MISMATCH');
  }
  return { provinceCaseNo: data.slbh, state: 'received', duplicate: data.sfcf === '1' };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
