// A stand-in for 天府蓉易办's application API: X-Api-Key checked (401), Idempotency-Key required
// (400), the body validated (422), the handling division inside 成都 (5101xx, else 422), and the
// key remembered: a replay with the same body is 200 with the original answer and
// Idempotent-Replayed: true; the same key with a different body is 422 idempotency-key-reused.
// `GET ?externalRef=` answers an application's timeline (sc-chengdu-status.ts).
import {
  assembleSandbox,
  caseNumber,
  header,
  jsonBody,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import type { ScChengduSettings } from './sc-chengdu-adapter.ts';
import {
  CHENGDU_API_KEY_HEADER,
  CHENGDU_APPLICATIONS_PATH,
  type ChengduApplication,
} from './sc-chengdu-wire.ts';
import { CHENGDU_EXTERNAL_REF, toTimeline } from './sc-chengdu-status.ts';

const isQuery = (request: SandboxRequest) =>
  request.method === 'GET' && request.query.has(CHENGDU_EXTERNAL_REF);

export type ScChengduSandboxSettings = Pick<ScChengduSettings, 'apiKey'>;

const PROBLEM = { 'content-type': 'application/problem+json' };

function problem(
  status: number,
  code: string,
  title: string,
  extra: Record<string, string> = {},
): SandboxReply {
  return {
    status,
    headers: { ...PROBLEM, ...extra },
    body: { type: `https://open.cdrongyiban.example/problems/${code}`, title, status, code },
  };
}

function valid(body: unknown): body is ChengduApplication {
  const b = body as Partial<ChengduApplication> | undefined;
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    filled(b?.externalRef) &&
    filled(b?.service?.code) &&
    filled(b?.handlingDivision) &&
    filled(b?.applicant?.name) &&
    filled(b?.applicant?.certificateNo) &&
    typeof b?.formData === 'object' &&
    Array.isArray(b.attachments)
  );
}

export function createScChengduSandbox(options: SandboxOptions<ScChengduSandboxSettings>): Sandbox {
  const { apiKey } = options.settings;
  const state = sandboxState<ChengduApplication>('sc-chengdu', options, (seq) =>
    caseNumber('CDRYB', seq),
  );
  const { table, progression } = state;

  function created(applicationNo: string, receivedAt: string, replay: boolean): SandboxReply {
    return {
      status: replay ? 200 : 201,
      headers: {
        location: `${CHENGDU_APPLICATIONS_PATH}/${applicationNo}`,
        ...(replay ? { 'idempotent-replayed': 'true' } : {}),
      },
      body: { applicationNo, status: 'RECEIVED', receivedAt },
    };
  }

  function timeline(request: SandboxRequest): SandboxReply {
    const known = table.get(request.query.get(CHENGDU_EXTERNAL_REF) ?? '');
    if (!known) return problem(404, 'not-found', 'No application with this externalRef');
    const events = progression.history(known.caseId);
    return {
      status: 200,
      body: { applicationNo: known.provinceCaseNo, timeline: toTimeline(events) },
    };
  }

  function handle(request: SandboxRequest): SandboxReply {
    const query = isQuery(request);
    if ((request.method !== 'POST' && !query) || request.path !== CHENGDU_APPLICATIONS_PATH) {
      return problem(404, 'not-found', 'No such resource');
    }
    if (header(request, CHENGDU_API_KEY_HEADER) !== apiKey) {
      return problem(401, 'invalid-api-key', 'API key missing or not recognised');
    }
    if (query) return timeline(request);
    const key = header(request, 'Idempotency-Key') ?? '';
    if (key.length < 8 || key.length > 128) {
      return problem(400, 'idempotency-key-required', 'Idempotency-Key (8–128 chars) is required');
    }
    const body = jsonBody(request);
    if (!valid(body)) return problem(422, 'validation-failed', 'The application is incomplete');
    if (!body.handlingDivision.startsWith('5101')) {
      return problem(422, 'outside-jurisdiction', 'Handling division is not in 成都');
    }
    if (!table.sameDelivery(key, body)) {
      return problem(422, 'idempotency-key-reused', 'Idempotency-Key was used with another body');
    }
    const { record, duplicate } = table.receive(key, body);
    if (!duplicate)
      progression.begin(key, record.provinceCaseNo, {
        itemCode: body.service.code,
        payload: body.formData,
      });
    return created(record.provinceCaseNo, record.receivedAt, duplicate);
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: () =>
        problem(503, 'service-unavailable', 'Temporarily unavailable', { 'retry-after': '1' }),
      permanentReply: () => problem(422, 'validation-failed', 'The application is incomplete'),
      isQuery,
    },
    state.faults,
  );
  return assembleSandbox(server, state);
}
