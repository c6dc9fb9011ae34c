// 成都 天府蓉易办: a REST API in the modern style. The API key goes in X-Api-Key, the gateway case
// id in Idempotency-Key; a new application is 201 Created { applicationNo }, a replay of a key it
// has seen is 200 with the original body (and Idempotent-Replayed: true). Errors are problem+json.
// One dialect twist: 409 means "a request with this key is still being processed" — retry — while
// a key reused with a different body is 422 and permanent.
import {
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
  parseRetryAfter,
} from '../kit/http-backend.ts';
import {
  CHENGDU_API_KEY_HEADER,
  CHENGDU_APPLICATIONS_PATH,
  toApplication,
} from './sc-chengdu-wire.ts';

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
  const backend = new HttpBackend({
    adapterId: 'sc-chengdu',
    baseUrl: settings.baseUrl,
    timeoutMs: settings.timeoutMs,
  });

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
    const problemCode = problemCodeOf(response.text);
    context.log.info(
      {
        adapter: 'sc-chengdu',
        caseId: request.caseId,
        status,
        ...(problemCode ? { problemCode } : {}),
      },
      'sc-chengdu answered',
    );
    if (status === 200 || status === 201) {
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

  return { id: 'sc-chengdu', deliver };
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
