// 成都 天府蓉易办: a REST API in the modern style. The API key goes in X-Api-Key, the gateway case
// id in Idempotency-Key; a new application is 201 Created { applicationNo }, a replay of a key it
// has seen is 200 with the original body (and Idempotent-Replayed: true). Errors are problem+json.
// One dialect twist: 409 means "a request with this key is still being processed" — retry — while
// a key reused with a different body is 422 and permanent. Its status query reads the
// application's timeline by our reference (sc-chengdu-status.ts).
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
import {
  classifyHttpFailure,
  HttpBackend,
  parseJsonBody,
  parseRetryAfter,
} from '../kit/http-backend.ts';
import {
  CHENGDU_API_KEY_HEADER,
  CHENGDU_APPLICATIONS_PATH,
  toApplication,
} from './sc-chengdu-wire.ts';
import { chengduStatusPath, fromTimeline } from './sc-chengdu-status.ts';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const SC_CHENGDU_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    apiKey: {
      type: 'string',
      minLength: 1,
      description: 'API key (production: env GW_ADAPTER_SC_CHENGDU_API_KEY).',
    },
  },
  required: ['apiKey'],
} as const;

export type ScChengduSettings = DialectSettings<typeof SC_CHENGDU_SETTINGS_SCHEMA>;

export function createScChengduAdapter(settings: ScChengduSettings): ProvinceAdapter {
  const backend = new HttpBackend('sc-chengdu', settings);

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const response = await backend.send(
      {
        method: 'POST',
        path: CHENGDU_APPLICATIONS_PATH,
        json: toApplication(request),
        headers: { [CHENGDU_API_KEY_HEADER]: settings.apiKey, 'Idempotency-Key': request.caseId },
      },
      context,
    );
    const { status } = response;
    // A success carries no problem document: its body is parsed once, below.
    const ok = status === 200 || status === 201;
    const problemCode = ok ? undefined : problemCodeOf(response.text);
    context.log.debug(
      {
        adapter: 'sc-chengdu',
        caseId: request.caseId,
        status,
        ...(problemCode ? { problemCode } : {}),
      },
      'sc-chengdu answered',
    );
    if (ok) {
      const body = parseJsonBody(response) as { applicationNo?: unknown };
      if (typeof body.applicationNo !== 'string' || body.applicationNo === '') {
        throw new TransientDeliveryError(`sc-chengdu HTTP ${status} without applicationNo`);
      }
      return { provinceCaseNo: body.applicationNo, state: 'received', duplicate: status === 200 };
    }
    if (status === 409) {
      throw new TransientDeliveryError(
        'sc-chengdu: a request with this Idempotency-Key is still in progress',
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    throw classifyHttpFailure(status, response.headers.get('retry-after'), problemCode);
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const response = await backend.send(
      {
        method: 'GET',
        path: chengduStatusPath(query.caseId),
        headers: { [CHENGDU_API_KEY_HEADER]: settings.apiKey },
      },
      context,
    );
    const { status } = response;
    context.log.debug({ adapter: 'sc-chengdu', caseId: query.caseId, status }, 'sc-chengdu status');
    if (status === 404) return { found: false };
    if (status !== 200) {
      throw classifyHttpFailure(
        status,
        response.headers.get('retry-after'),
        problemCodeOf(response.text),
      );
    }
    const body = parseJsonBody(response) as { applicationNo?: unknown; timeline?: unknown };
    if (typeof body.applicationNo !== 'string' || body.applicationNo === '') {
      throw new TransientDeliveryError('sc-chengdu status answer without applicationNo');
    }
    return { found: true, provinceCaseNo: body.applicationNo, events: fromTimeline(body.timeline) };
  }

  return { id: 'sc-chengdu', deliver, queryStatus };
}

/** The problem document's `code` (never `detail`: it can quote the applicant's data). */
function problemCodeOf(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
