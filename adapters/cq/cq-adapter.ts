// 重庆 渝快办: bearer-token JSON API. The token comes from cq-token.ts (client credentials,
// cached); a 401 on the case call means the platform no longer honours our token (expired early,
// revoked on a key rotation), so the adapter replaces it ONCE and repeats the call — a second
// 401 is an authorisation refusal and permanent. Answers: { errcode: 0, data: { bjbh, repeat } };
// errors carry errcode with the HTTP status (400 40001 bad data, 403 40301 no permission,
// 503 50301 busy); the status decides retry.
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type AdapterContext,
  type DeliveryRequest,
  type DeliveryResult,
  type ProvinceAdapter,
} from '../kit/contract.ts';
import type { DialectSettings } from '../kit/adapter-descriptor.ts';
import {
  classifyHttpFailure,
  HttpBackend,
  parseJsonBody,
  type BackendResponse,
} from '../kit/http-backend.ts';
import { CqTokenCache } from './cq-token.ts';
import { CQ_CASES_PATH, toBanjian } from './cq-wire.ts';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const CQ_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    clientId: { type: 'string', minLength: 1, description: 'OAuth2 client id.' },
    clientSecret: {
      type: 'string',
      minLength: 1,
      description: 'OAuth2 client secret (production: env GW_ADAPTER_CQ_CLIENT_SECRET).',
    },
  },
  required: ['clientId', 'clientSecret'],
} as const;

export type CqSettings = DialectSettings<typeof CQ_SETTINGS_SCHEMA>;

interface CqAnswer {
  errcode?: unknown;
  data?: { bjbh?: unknown; repeat?: unknown };
}

/** `now` is the token cache's clock (tests move it past a token's lifetime). */
export function createCqAdapter(
  settings: CqSettings,
  options: { now?: () => number } = {},
): ProvinceAdapter {
  const backend = new HttpBackend({
    adapterId: 'cq',
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
  });
  const tokens = new CqTokenCache(backend, settings.clientId, settings.clientSecret, options.now);

  function post(body: ReturnType<typeof toBanjian>, token: string, context: AdapterContext) {
    return backend.send(
      {
        method: 'POST',
        path: CQ_CASES_PATH,
        json: body,
        headers: { Authorization: `Bearer ${token}` },
      },
      context,
    );
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const body = toBanjian(request);
    let token = await tokens.token(context);
    let response = await post(body, token, context);
    if (response.status === 401) {
      context.log.info(
        { adapter: 'cq', caseId: request.caseId },
        'cq token rejected; refreshing once',
      );
      token = await tokens.replace(token, context);
      response = await post(body, token, context);
      if (response.status === 401) {
        throw new PermanentDeliveryError('cq refused a freshly issued token', errcodeOf(response));
      }
    }
    const errcode = errcodeOf(response);
    context.log.info(
      { adapter: 'cq', caseId: request.caseId, status: response.status, errcode },
      'cq answered',
    );
    if (response.status !== 200) {
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'), errcode);
    }
    const answer = parseJsonBody(response) as CqAnswer;
    const bjbh = answer.data?.bjbh;
    if (String(answer.errcode) !== '0' || typeof bjbh !== 'string' || bjbh === '') {
      throw new TransientDeliveryError(
        `cq HTTP 200 without a 办件编号 (errcode ${errcode ?? '?'})`,
      );
    }
    return { provinceCaseNo: bjbh, state: 'received', duplicate: answer.data?.repeat === true };
  }

  return { id: 'cq', deliver };
}

function errcodeOf(response: BackendResponse): string | undefined {
  try {
    const code = (JSON.parse(response.text) as CqAnswer).errcode;
    return typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
  } catch {
    return undefined;
  }
}
