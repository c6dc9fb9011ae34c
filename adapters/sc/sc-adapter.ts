// 四川 天府通办: one signed JSON call per case (sc-wire.ts for the body, sc-signing.ts for the
// X-Tfwb-* headers), and the same kind of call for its 办件过程查询 status query (sc-status.ts). Answers come in the envelope { code: "0", msg, data: { slbh } }; business
// refusals arrive as HTTP 200 with a non-"0" code (sc-codes.ts), signature failures as HTTP 401
// with code 10001. HTTP 408/429/5xx are the platform's front proxy and are retried on status alone.
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
import { classifyHttpFailure, HttpBackend, type BackendResponse } from '../kit/http-backend.ts';
import { SC_CODES, scOutcome, type ScOutcome } from './sc-codes.ts';
import { fromGuocheng, SC_STATUS_PATH, type ScGuochengChaxun } from './sc-status.ts';
import { scSignedHeaders } from './sc-signing.ts';
import { SC_SUBMIT_PATH, toShenqing } from './sc-wire.ts';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const SC_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    appId: {
      type: 'string',
      minLength: 1,
      description: 'Application id issued by 天府通办 to the gateway.',
    },
    appSecret: {
      type: 'string',
      minLength: 1,
      description: 'HMAC key (production: env GW_ADAPTER_SC_APP_SECRET).',
    },
  },
  required: ['appId', 'appSecret'],
} as const;

export type ScSettings = DialectSettings<typeof SC_SETTINGS_SCHEMA>;

interface ScEnvelope {
  code: string;
  msg?: string;
  data?: { slbh?: unknown; guocheng?: unknown };
}

export function createScAdapter(settings: ScSettings): ProvinceAdapter {
  const backend = new HttpBackend('sc', settings);

  /** One signed call; the envelope, or the failure its HTTP status or code means. */
  async function call(path: string, payload: object, context: AdapterContext, caseId: string) {
    const body = JSON.stringify(payload);
    const headers = scSignedHeaders(settings, { method: 'POST', path, body });
    const response = await backend.send(
      { method: 'POST', path, text: body, contentType: 'application/json; charset=utf-8', headers },
      context,
    );
    const { status } = response;
    if (status === 408 || status === 429 || status >= 500) {
      throw classifyHttpFailure(status, response.headers.get('retry-after'));
    }
    const envelope = readEnvelope(response);
    const outcome = scOutcome(envelope.code);
    context.log.debug({ adapter: 'sc', caseId, code: envelope.code, outcome }, 'sc answered');
    return { envelope, outcome };
  }

  /** Our table's text, never msg: a field-check message can quote the applicant's data. */
  function failure(envelope: ScEnvelope, outcome: ScOutcome): Error {
    const message = `sc code ${envelope.code}: ${SC_CODES[envelope.code]?.message ?? 'unknown code'}`;
    return outcome === 'transient'
      ? new TransientDeliveryError(message)
      : new PermanentDeliveryError(message, envelope.code);
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const { envelope, outcome } = await call(
      SC_SUBMIT_PATH,
      toShenqing(request),
      context,
      request.caseId,
    );
    if (outcome === 'transient' || outcome === 'permanent') throw failure(envelope, outcome);
    const slbh = envelope.data?.slbh;
    if (typeof slbh !== 'string' || slbh === '') {
      // code 0 without 受理编号 is a platform fault; a retry is answered 20009 with the number.
      throw new TransientDeliveryError(`sc code ${envelope.code} without data.slbh`);
    }
    return { provinceCaseNo: slbh, state: 'received', duplicate: outcome === 'duplicate' };
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const chaxun: ScGuochengChaxun = { yewuliushuihao: query.caseId };
    const { envelope, outcome } = await call(SC_STATUS_PATH, chaxun, context, query.caseId);
    if (envelope.code === '20010') return { found: false };
    if (outcome !== 'success') throw failure(envelope, outcome);
    const slbh = envelope.data?.slbh;
    if (typeof slbh !== 'string' || slbh === '') {
      throw new TransientDeliveryError('sc status answer without data.slbh');
    }
    return { found: true, provinceCaseNo: slbh, events: fromGuocheng(envelope.data?.guocheng) };
  }

  return { id: 'sc', deliver, queryStatus };
}

function readEnvelope(response: BackendResponse): ScEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    parsed = undefined;
  }
  const code = (parsed as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' || typeof code === 'number') {
    return { ...(parsed as ScEnvelope), code: String(code) };
  }
  // No envelope: a 4xx from something in front of the platform, or a garbled 2xx (retry).
  if (response.status >= 400) throw classifyHttpFailure(response.status);
  throw new TransientDeliveryError(`sc answered HTTP ${response.status} without an envelope`);
}
