// The one place that turns errors into RFC 9457 application/problem+json
// (gateway/README.md#errors). Unknown errors become a bare 500 GW_INTERNAL: no message, no stack —
// those go to the log only.
import { ERROR_CATALOGUE, GatewayError, type ErrorCode, type FieldProblem } from './errors.ts';
import { isRedisUnavailable } from './redis.ts';

export const PROBLEM_TYPE_BASE = 'https://swgw.example/problems/';

export interface ProblemBody {
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

// body-parser and other express middleware signal with err.type / err.status.
const BODY_PARSER_ERRORS: Record<string, ErrorCode> = {
  'entity.parse.failed': 'GW_MALFORMED_JSON',
  'entity.too.large': 'GW_PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'GW_UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'GW_UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'GW_BAD_REQUEST',
  'request.size.invalid': 'GW_BAD_REQUEST',
  'stream.encoding.set': 'GW_BAD_REQUEST',
};

export function asGatewayError(error: unknown, retryAfterSeconds = 5): GatewayError {
  if (error instanceof GatewayError) return error;
  // Redis down or slow: say so and when to retry, never 500 and never a hang
  // (gateway/README.md#errors).
  if (isRedisUnavailable(error)) {
    return new GatewayError('GW_UNAVAILABLE', {
      detail: 'The case store is unreachable; nothing was stored. Retry later.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause: error,
    });
  }
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && type in BODY_PARSER_ERRORS) {
    const code = BODY_PARSER_ERRORS[type]!;
    const detail =
      code === 'GW_MALFORMED_JSON'
        ? 'The body is not valid JSON'
        : code === 'GW_PAYLOAD_TOO_LARGE'
          ? 'The body exceeds the size limit'
          : undefined;
    return new GatewayError(code, { detail, cause: error });
  }
  return new GatewayError('GW_INTERNAL', { cause: error });
}

export function toProblem(error: GatewayError, requestId: string): Problem {
  const spec = ERROR_CATALOGUE[error.code];
  const body: ProblemBody = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: spec.title,
    status: spec.status,
    code: error.code,
    requestId,
  };
  if (error.detail && error.code !== 'GW_INTERNAL') body.detail = error.detail;
  if (error.errors?.length) body.errors = error.errors;
  return { status: spec.status, headers: error.headers, body };
}
