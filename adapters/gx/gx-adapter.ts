// 广西 智桂通: one signed form POST per case (gx-form.ts) to the open-platform gateway; the answer
// is JSON with code/sub_code (gx-codes.ts). biz_no carries our case id, so a retried delivery is
// answered 40004/BIZ_NO_DUPLICATE with the original accept_no instead of creating a second case. The
// status query is another method on the same gateway (gx-status.ts).
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
import { classifyHttpFailure, HttpBackend, parseJsonBody } from '../kit/http-backend.ts';
import { gxOutcome, type GxOutcome } from './gx-codes.ts';
import { caseForm, type GxForm } from './gx-form.ts';
import { fromProgress, GX_CASE_NOT_EXIST, progressForm } from './gx-status.ts';

export const GX_GATEWAY_PATH = '/zgt/open/gateway';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const GX_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    appId: { type: 'string', minLength: 1, description: 'Application id at 智桂通.' },
    appSecret: {
      type: 'string',
      minLength: 1,
      description:
        'HMAC-SM3 key issued with the app id (production: env GW_ADAPTER_GX_APP_SECRET).',
    },
  },
  required: ['appId', 'appSecret'],
} as const;

export type GxSettings = DialectSettings<typeof GX_SETTINGS_SCHEMA>;

interface GxResponse {
  code?: unknown;
  sub_code?: unknown;
  data?: { biz_no?: unknown; accept_no?: unknown; progress?: unknown };
}

export function createGxAdapter(settings: GxSettings): ProvinceAdapter {
  const backend = new HttpBackend('gx', settings);

  /** One signed form; the answer, its codes and what they mean. */
  async function call(form: GxForm, caseId: string, context: AdapterContext) {
    const response = await backend.send({ method: 'POST', path: GX_GATEWAY_PATH, form }, context);
    if (response.status !== 200) {
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'));
    }
    const answer = (parseJsonBody(response) ?? {}) as GxResponse;
    const code = typeof answer.code === 'string' ? answer.code : '';
    const subCode = typeof answer.sub_code === 'string' ? answer.sub_code : undefined;
    const outcome: GxOutcome = gxOutcome(code, subCode);
    context.log.debug({ adapter: 'gx', caseId, code, subCode, outcome }, 'gx answered');
    // sub_msg is not copied: a parameter error may quote the applicant's data.
    const reason = code
      ? `gx code ${code}${subCode ? `/${subCode}` : ''}`
      : 'gx answered HTTP 200 without a code';
    const failure = () =>
      outcome === 'transient'
        ? new TransientDeliveryError(reason)
        : new PermanentDeliveryError(reason, subCode ?? code);
    return { answer, subCode, outcome, reason, failure };
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const form = caseForm(request, settings.appId, settings.appSecret);
    const { answer, outcome, reason, failure } = await call(form, request.caseId, context);
    if (outcome === 'transient' || outcome === 'permanent') throw failure();
    const acceptNo = answer.data?.accept_no;
    if (typeof acceptNo !== 'string' || acceptNo === '' || answer.data?.biz_no !== request.caseId) {
      // Said yes without a number for this case: a retry is answered BIZ_NO_DUPLICATE with it.
      throw new TransientDeliveryError(`${reason} without an accept_no for this case`);
    }
    return { provinceCaseNo: acceptNo, state: 'received', duplicate: outcome === 'duplicate' };
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const form = progressForm(query.caseId, settings.appId, settings.appSecret);
    const { answer, subCode, outcome, reason, failure } = await call(form, query.caseId, context);
    if (subCode === GX_CASE_NOT_EXIST) return { found: false };
    if (outcome !== 'success') throw failure();
    const acceptNo = answer.data?.accept_no;
    if (typeof acceptNo !== 'string' || acceptNo === '' || answer.data?.biz_no !== query.caseId) {
      throw new TransientDeliveryError(`${reason} without an accept_no for this case`);
    }
    return { found: true, provinceCaseNo: acceptNo, events: fromProgress(answer.data?.progress) };
  }

  return { id: 'gx', deliver, queryStatus };
}
