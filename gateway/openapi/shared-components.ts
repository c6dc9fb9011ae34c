// Reusable responses, headers and parameters. Each problem response lists the GW_* codes it can
// carry, generated from ERROR_CATALOGUE, so a code added there shows up here without an edit.
import { ERROR_CATALOGUE } from '../shared/errors.ts';
import { INITIALIZER_FILE, SWAGGER_UI_FILES } from './docs-page.ts';

export const PROBLEM_STATUSES = [
  400, 401, 403, 404, 405, 408, 409, 412, 413, 415, 422, 429, 431, 500, 503,
] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

/** The submission envelope's component: schemas/envelope.schema.json as published. */
export const ENVELOPE_COMPONENT = 'envelope';

/** 督办 flags (cases/case-record.ts's CaseFlags): on a case, each party of a joint case, a rectification. */
export const FLAGS_SCHEMA = {
  type: 'object',
  properties: {
    warning: { type: 'boolean' },
    overdue: { type: 'boolean' },
    escalated: { type: 'boolean' },
  },
};

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

// Statuses whose answer tells the client when to come back (gateway/README.md#submission).
const RETRY_AFTER: ReadonlySet<number> = new Set([429, 503]);

function codesFor(status: number): string[] {
  return Object.entries(ERROR_CATALOGUE)
    .filter(([, spec]) => spec.status === status)
    .map(([code]) => code);
}

// What a client must know beyond the code (gateway/README.md#errors).
const NOTES: Partial<Record<ProblemStatus, string>> = {
  401:
    ' A `GW_AUTH_BAD_SIGNATURE` whose signature was checked carries `stringToSign`, the' +
    " gateway's string-to-sign for the request: compare it with yours line by line (see the" +
    ' gwSignature security scheme).',
  408: ' The connection is closed after this answer.',
  503:
    ' `GW_OVERLOADED`: the gateway was working on as many requests as it takes at once' +
    ' (GW_MAX_IN_FLIGHT) and refused this one unread; nothing was done, retry after' +
    ' Retry-After seconds. `GW_UNAVAILABLE`: a read changed nothing: retry after Retry-After' +
    ' seconds. A write may or may not have taken effect: one that takes an Idempotency-Key is' +
    ' retried with the same key, which returns the stored case if there is one, never a second' +
    ' case.',
};

function problemResponse(status: ProblemStatus): Record<string, unknown> {
  const codes = codesFor(status);
  const titles = codes.map((code) => `\`${code}\``).join(', ');
  return {
    description: `Problem (RFC 9457); \`code\` is one of ${titles}.${NOTES[status] ?? ''}`,
    ...(RETRY_AFTER.has(status) ? { headers: { 'Retry-After': headerRef('RetryAfter') } } : {}),
    content: { 'application/problem+json': { schema: schemaRef('Problem') } },
  };
}

export function responseComponents(): Record<string, unknown> {
  return Object.fromEntries(PROBLEM_STATUSES.map((s) => [`Problem${s}`, problemResponse(s)]));
}

export function headerComponents(): Record<string, unknown> {
  return {
    RetryAfter: {
      description: 'Seconds to wait before retrying.',
      schema: { type: 'integer', minimum: 0 },
    },
    Location: {
      description: 'The new case: /v1/cases/{caseId}.',
      schema: { type: 'string' },
    },
    IdempotentReplayed: {
      description:
        '`true` when this answer (a 202, a 201) replays the one to an earlier, identical request ' +
        'under the same Idempotency-Key.',
      schema: { type: 'string', enum: ['true'] },
    },
    DraftETag: {
      description:
        "The draft's entity-tag (strong, in quotes; opaque): it changes with every save of the " +
        "draft's content and every change of its status (submit, approve, reject), not with a " +
        'validation. Send it back as `If-Match` on `PUT …/drafts/{draftId}` to save only over ' +
        'this version.',
      schema: { type: 'string' },
    },
  };
}

export function parameterComponents(): Record<string, unknown> {
  return {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description:
        'Same key + same body (as canonical JSON: key order and whitespace do not matter) → ' +
        "the same answer (a case's 202, a rating's 201) with `Idempotent-Replayed: true`; " +
        'same key, different body → 409 `GW_IDEMPOTENCY_CONFLICT`.',
      schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]{8,128}$' },
    },
    OptionalIdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Optional; send one to repeat the request safely (after a 503, a lost answer). Same key ' +
        '+ same body → the same resource again with `Idempotent-Replayed: true`, never a second ' +
        'one; same key, different body → 409 `GW_IDEMPOTENCY_CONFLICT`; a key that is not 8–128 ' +
        'visible ASCII characters → 400 `GW_IDEMPOTENCY_KEY_REQUIRED`. Without it every request ' +
        'makes a new resource.',
      schema: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[\\x21-\\x7e]{8,128}$' },
    },
    DraftIfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        "Optional (RFC 9110 §13.1.1): the draft's `ETag` from the answer the change was made on; " +
        'the draft is stored only while it still has that ETag, checked in the same step as the ' +
        'write, so of two saves made on one version exactly one is stored. Another ETag now → 412 ' +
        '`GW_DRAFT_PRECONDITION_FAILED` (its detail says when the draft was saved), nothing ' +
        'stored; `*` → any current draft; not `*` or quoted entity-tags → 400 ' +
        '`GW_IF_MATCH_INVALID`. Without it the last save wins.',
      schema: { type: 'string' },
    },
    AuditReason: {
      name: 'X-Gw-Reason',
      in: 'header',
      required: false,
      description:
        'Why an operator reads personal data unmasked (operators holding `unmask`): recorded ' +
        'in the audit entry of the read. A header carries bytes, not text: send a reason in ' +
        'Chinese percent-encoded as UTF-8 (`encodeURIComponent`); raw UTF-8 bytes are read as ' +
        'UTF-8 too.',
      schema: { type: 'string', maxLength: 500 },
    },
    CaseId: {
      name: 'caseId',
      in: 'path',
      required: true,
      description: 'ULID; a joint child adds `-<n>`.',
      schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}(-[0-9]{1,2})?$' },
    },
    RectificationId: {
      name: 'rectificationId',
      in: 'path',
      required: true,
      description: '`RC`, the owner province (two digits), a ULID.',
      schema: { type: 'string', pattern: '^RC[0-9]{2}[0-9A-HJKMNP-TV-Z]{26}$' },
    },
    DraftId: {
      name: 'draftId',
      in: 'path',
      required: true,
      description: 'A catalogue draft (ULID).',
      schema: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' },
    },
    CalendarYear: {
      name: 'year',
      in: 'path',
      required: true,
      description: 'A working-day calendar year (2000–2100).',
      schema: { type: 'string', pattern: '^[0-9]{4}$' },
    },
    ItemCode: {
      name: 'code',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' },
    },
    DocsAsset: {
      name: 'file',
      in: 'path',
      required: true,
      schema: { type: 'string', enum: [...Object.keys(SWAGGER_UI_FILES), INITIALIZER_FILE] },
    },
    DivisionCode: {
      name: 'code',
      in: 'path',
      required: true,
      description: 'GB/T 2260 six-digit division code.',
      schema: { type: 'string', pattern: '^[0-9]{6}$' },
    },
  };
}

/** The `responses` entries for the given problem statuses, by reference. */
export function problems(...statuses: ProblemStatus[]): Record<string, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }]),
  );
}

export function jsonResponse(
  description: string,
  schema: unknown,
  headers?: Record<string, unknown>,
): Record<string, unknown> {
  return { description, ...(headers && { headers }), content: { 'application/json': { schema } } };
}

export { schemaRef, headerRef };
