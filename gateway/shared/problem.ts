// The one place that turns errors into RFC 9457 application/problem+json
// (gateway/README.md#errors). Unknown errors become a bare 500 GW_INTERNAL: no message, no stack —
// those go to the log only.
import {
  ERROR_CATALOGUE,
  GatewayError,
  LISTED_PROBLEMS,
  type ErrorCode,
  type FieldProblem,
  type ProblemExtensions,
} from './errors.ts';
import { isRedisUnavailable } from './redis.ts';

export const PROBLEM_TYPE_BASE = 'https://swgw.example/problems/';

export interface ProblemBody extends ProblemExtensions {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  requestId: string;
  errors?: FieldProblem[];
}

export interface Problem {
  status: number;
  headers: Record<string, string>;
  body: ProblemBody;
}

// Errors from express, the router and their middleware (http-errors) carry a status; a client
// error keeps its 4xx under our code for that status, so it is never a 500.
const CLIENT_ERRORS: Record<number, ErrorCode> = {
  400: 'GW_BAD_REQUEST',
  403: 'GW_FORBIDDEN',
  404: 'GW_NOT_FOUND',
  405: 'GW_METHOD_NOT_ALLOWED',
  408: 'GW_REQUEST_TIMEOUT',
  413: 'GW_PAYLOAD_TOO_LARGE',
  415: 'GW_UNSUPPORTED_MEDIA_TYPE',
  429: 'GW_RATE_LIMITED',
  431: 'GW_HEADERS_TOO_LARGE',
};

function clientStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}

/**
 * What a request could have changed, which is what its 503 says about a retry: a read changed
 * nothing; a write whose route takes an Idempotency-Key (POST /v1/cases, POST
 * /v1/cases/{caseId}/evaluations) may have been stored and is retried safely with the same key;
 * any other write may or may not have taken effect, and has no key to make its retry safe.
 */
export type RequestEffect = 'read' | 'keyed-write' | 'write';

export const UNAVAILABLE_DETAILS: Record<RequestEffect, string> = {
  read:
    'The case store did not answer in time; nothing was changed by this request. ' +
    'Retry after Retry-After seconds.',
  'keyed-write':
    'The case store did not answer in time, so this request may or may not have been stored. ' +
    'Retry with the same Idempotency-Key: if it was stored you get what it made, never a second one.',
  write:
    'The case store did not answer in time, so this request may or may not have taken effect. ' +
    'Read the state it would have changed before repeating it, after Retry-After seconds.',
};

/** What `method` on a route that does or does not take an Idempotency-Key could have changed. */
export function requestEffect(method: string, takesIdempotencyKey: boolean): RequestEffect {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return 'read';
  return takesIdempotencyKey ? 'keyed-write' : 'write';
}

export function asGatewayError(
  error: unknown,
  retryAfterSeconds = 5,
  effect: RequestEffect = 'write',
): GatewayError {
  if (error instanceof GatewayError) return error;
  // Redis down or slow: say so and when to retry, never 500 and never a hang
  // (gateway/README.md#errors). A write may have reached Redis before the answer was lost, so
  // the detail of a write must not promise that nothing was stored.
  if (isRedisUnavailable(error)) {
    return new GatewayError('GW_UNAVAILABLE', {
      detail: UNAVAILABLE_DETAILS[effect],
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause: error,
    });
  }
  const status = clientStatus(error);
  if (status !== undefined) {
    // The router raises a URIError (status 400) for a path parameter it cannot decode.
    if (error instanceof URIError) {
      return new GatewayError('GW_INVALID_PARAMETER', {
        detail: 'A path segment is not valid percent-encoding of UTF-8',
        cause: error,
      });
    }
    return new GatewayError(CLIENT_ERRORS[status] ?? 'GW_BAD_REQUEST', { cause: error });
  }
  return new GatewayError('GW_INTERNAL', { cause: error });
}

// A parameter's refusal raised without a detail (request-validation.ts, cursor.ts) said only
// "Invalid parameter", the title again, so a client logging `detail` learnt nothing (found by a
// client written from README.md alone): the detail names each parameter and what it must be.
const DETAILED_PARAMETERS = 3;

function parameterDetail(error: GatewayError): string | undefined {
  if (error.code !== 'GW_INVALID_PARAMETER' || !error.errors?.length) return undefined;
  const named = error.errors
    .slice(0, DETAILED_PARAMETERS)
    .map((problem) => `${problem.path.replace(/^\/(query|path)\//, '')} ${problem.message}`);
  const more = error.errors.length - named.length;
  return `Invalid parameter: ${named.join('; ')}${more > 0 ? `; and ${more} more, each in errors` : ''}`;
}

/** Said after the detail of a refusal whose `errors` were cut (errorsTruncated). */
export const TRUNCATED_DETAIL =
  ` Only the first ${LISTED_PROBLEMS} problems are listed in errors (errorsTruncated): ` +
  `fix them and send again to be told the others. ` +
  `errors 仅列出前 ${LISTED_PROBLEMS} 个问题（errorsTruncated），改正后重新提交可获知其余问题。`;

export function toProblem(error: GatewayError, requestId: string): Problem {
  const spec = ERROR_CATALOGUE[error.code];
  const body: ProblemBody = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: spec.title,
    status: spec.status,
    code: error.code,
    requestId,
  };
  // Every problem but the bare 500 has a detail (gateway/README.md#errors): where the raiser
  // gave none (a 4xx express raised, a record gone between read and write) the title stands in.
  if (error.code !== 'GW_INTERNAL')
    body.detail = error.detail || parameterDetail(error) || spec.title;
  if (body.detail !== undefined && error.extensions.errorsTruncated) {
    body.detail = `${body.detail.replace(/\.$/, '')}.${TRUNCATED_DETAIL}`;
  }
  if (error.errors?.length) body.errors = error.errors;
  if (error.code !== 'GW_INTERNAL') Object.assign(body, error.extensions);
  return { status: spec.status, headers: error.headers, body };
}
