// 西藏 藏易通: asynchronous intake behind a small front door (5 requests/s). A new application is
// 202 { ticket }: queued, not yet accepted — so the result's state is 'pending' and acceptance and
// the decision arrive later as province events. The ticket is the platform's reference for the
// case and the gateway stores it as the provincial case number. A replayed businessNo is 200
// { ticket, repeated: true }. Over capacity the platform answers 429 with Retry-After, which the
// adapter passes on so the job waits at least that long. Errors: { error: { code, message } }.
// Its status query reads the application by businessNo (xz-status.ts).
import {
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
import { fromStatusEvents, xzApplicationPath } from './xz-status.ts';
import { XZ_APPLICATIONS_PATH, XZ_AUTH_SCHEME, toApplication } from './xz-wire.ts';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const XZ_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    apiKey: {
      type: 'string',
      minLength: 1,
      description: 'API key (production: env GW_ADAPTER_XZ_API_KEY).',
    },
  },
  required: ['apiKey'],
} as const;

export type XzSettings = DialectSettings<typeof XZ_SETTINGS_SCHEMA>;

export function createXzAdapter(settings: XzSettings): ProvinceAdapter {
  const backend = new HttpBackend('xz', settings);

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const response = await backend.send(
      {
        method: 'POST',
        path: XZ_APPLICATIONS_PATH,
        json: toApplication(request),
        headers: { Authorization: `${XZ_AUTH_SCHEME} ${settings.apiKey}` },
      },
      context,
    );
    const { status } = response;
    const errorCode = errorCodeOf(response.text);
    context.log.debug(
      { adapter: 'xz', caseId: request.caseId, status, ...(errorCode ? { errorCode } : {}) },
      'xz answered',
    );
    if (status !== 200 && status !== 202) {
      throw classifyHttpFailure(status, response.headers.get('retry-after'), errorCode);
    }
    const body = parseJsonBody(response) as { ticket?: unknown; repeated?: unknown };
    if (typeof body.ticket !== 'string' || body.ticket === '') {
      throw new TransientDeliveryError(`xz HTTP ${status} without a ticket`);
    }
    return {
      provinceCaseNo: body.ticket,
      state: 'pending',
      duplicate: status === 200 || body.repeated === true,
    };
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const response = await backend.send(
      {
        method: 'GET',
        path: xzApplicationPath(query.caseId),
        headers: { Authorization: `${XZ_AUTH_SCHEME} ${settings.apiKey}` },
      },
      context,
    );
    const { status } = response;
    const errorCode = errorCodeOf(response.text);
    context.log.debug({ adapter: 'xz', caseId: query.caseId, status }, 'xz status answered');
    if (status === 404 && errorCode === 'NOT_FOUND') return { found: false };
    if (status !== 200) {
      throw classifyHttpFailure(status, response.headers.get('retry-after'), errorCode);
    }
    const body = parseJsonBody(response) as { ticket?: unknown; events?: unknown };
    if (typeof body.ticket !== 'string' || body.ticket === '') {
      throw new TransientDeliveryError('xz status answer without a ticket');
    }
    return { found: true, provinceCaseNo: body.ticket, events: fromStatusEvents(body.events) };
  }

  return { id: 'xz', deliver, queryStatus };
}

function errorCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
