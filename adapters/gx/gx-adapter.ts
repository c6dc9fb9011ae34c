// 广西 智桂通: one signed form POST per case (gx-form.ts) to the open-platform gateway; the answer
// is JSON with code/sub_code (gx-codes.ts). biz_no carries our case id, so a retried delivery is
// answered 40004/BIZ_NO_DUPLICATE with the original accept_no instead of creating a second case.
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type AdapterContext,
  type DeliveryRequest,
  type DeliveryResult,
  type ProvinceAdapter,
} from '../kit/contract.ts';
import type { DialectSettings } from '../kit/adapter-descriptor.ts';
import { classifyHttpFailure, HttpBackend, parseJsonBody } from '../kit/http-backend.ts';
import { gxOutcome } from './gx-codes.ts';
import { caseForm } from './gx-form.ts';

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
  data?: { biz_no?: unknown; accept_no?: unknown };
}

export function createGxAdapter(settings: GxSettings): ProvinceAdapter {
  const backend = new HttpBackend({
    adapterId: 'gx',
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
  });

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const form = caseForm(request, settings.appId, settings.appSecret);
    const response = await backend.send({ method: 'POST', path: GX_GATEWAY_PATH, form }, context);
    if (response.status !== 200) {
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'));
    }
    const answer = (parseJsonBody(response) ?? {}) as GxResponse;
    const code = typeof answer.code === 'string' ? answer.code : '';
    const subCode = typeof answer.sub_code === 'string' ? answer.sub_code : undefined;
    const outcome = gxOutcome(code, subCode);
    context.log.info(
      { adapter: 'gx', caseId: request.caseId, code, subCode, outcome },
      'gx answered',
    );
    // sub_msg is not copied: a parameter error may quote the applicant's data.
    const reason = `gx code ${code}${subCode ? `/${subCode}` : ''}`;
    if (outcome === 'transient') throw new TransientDeliveryError(reason);
    if (outcome === 'permanent') throw new PermanentDeliveryError(reason, subCode ?? code);
    const acceptNo = answer.data?.accept_no;
    if (typeof acceptNo !== 'string' || acceptNo === '' || answer.data?.biz_no !== request.caseId) {
      // Said yes without a number for this case: a retry is answered BIZ_NO_DUPLICATE with it.
      throw new TransientDeliveryError(`${reason} without an accept_no for this case`);
    }
    return { provinceCaseNo: acceptNo, state: 'received', duplicate: outcome === 'duplicate' };
  }

  return { id: 'gx', deliver };
}
