// 重庆 渝快办: bearer-token JSON API. The token comes from cq-token.ts (client credentials,
// cached); a 401 on the case call means the platform no longer honours our token (expired early,
// revoked on a key rotation), so the adapter replaces it ONCE and repeats the call — a second
// 401 is an authorisation refusal and permanent. Answers: { errcode: 0, data: { bjbh, repeat } };
// errors carry errcode with the HTTP status (400 40001 bad data, 403 40301 no permission,
// 503 50301 busy); the status decides retry. Its status query reads the 办件过程 with the same
// token (cq-status.ts).
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
import {
  classifyHttpFailure,
  HttpBackend,
  parseJsonBody,
  type BackendResponse,
} from '../kit/http-backend.ts';
import { CqTokenCache } from './cq-token.ts';
import { cqProcessPath, CQ_UNKNOWN_CASE, fromProcess } from './cq-status.ts';
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
  data?: { bjbh?: unknown; repeat?: unknown; process?: unknown };
}

/** `now` is the token cache's clock (tests move it past a token's lifetime). */
export function createCqAdapter(
  settings: CqSettings,
  options: { now?: () => number } = {},
): ProvinceAdapter {
  const backend = new HttpBackend('cq', settings);
  const tokens = new CqTokenCache(backend, settings.clientId, settings.clientSecret, options.now);

  /**
   * One call with the cached token; a 401 means the platform no longer honours it: replaced
   * once and the call repeated, a second 401 is a refusal.
   */
  async function authorized(
    call: (token: string) => Promise<BackendResponse>,
    caseId: string,
    context: AdapterContext,
  ): Promise<BackendResponse> {
    let token = await tokens.token(context);
    let response = await call(token);
    if (response.status === 401) {
      context.log.info({ adapter: 'cq', caseId }, 'cq token rejected; refreshing once');
      token = await tokens.replace(token, context);
      response = await call(token);
      if (response.status === 401) {
        throw new PermanentDeliveryError('cq refused a freshly issued token', errcodeOf(response));
      }
    }
    const errcode = errcodeOf(response);
    context.log.debug({ adapter: 'cq', caseId, status: response.status, errcode }, 'cq answered');
    return response;
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const body = toBanjian(request);
    const response = await authorized(
      (token) =>
        backend.send(
          {
            method: 'POST',
            path: CQ_CASES_PATH,
            json: body,
            headers: { Authorization: `Bearer ${token}` },
          },
          context,
        ),
      request.caseId,
      context,
    );
    const errcode = errcodeOf(response);
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

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const response = await authorized(
      (token) =>
        backend.send(
          {
            method: 'GET',
            path: cqProcessPath(query.caseId),
            headers: { Authorization: `Bearer ${token}` },
          },
          context,
        ),
      query.caseId,
      context,
    );
    const errcode = errcodeOf(response);
    if (response.status === 404 && errcode === String(CQ_UNKNOWN_CASE)) return { found: false };
    if (response.status !== 200) {
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'), errcode);
    }
    const answer = parseJsonBody(response) as CqAnswer;
    const bjbh = answer.data?.bjbh;
    if (String(answer.errcode) !== '0' || typeof bjbh !== 'string' || bjbh === '') {
      throw new TransientDeliveryError(
        `cq status answer without a 办件编号 (errcode ${errcode ?? '?'})`,
      );
    }
    return { found: true, provinceCaseNo: bjbh, events: fromProcess(answer.data?.process) };
  }

  return { id: 'cq', deliver, queryStatus };
}

function errcodeOf(response: BackendResponse): string | undefined {
  try {
    const code = (JSON.parse(response.text) as CqAnswer).errcode;
    return typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
  } catch {
    return undefined;
  }
}
