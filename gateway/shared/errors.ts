// The one GW_* error catalogue (gateway/README.md#one-error-catalogue, after fastify's
// lib/errors.js). Every error the gateway can answer with is listed here once, with its HTTP status
// and titles in English and Chinese. README.md's error table is checked against this object by
// tests/unit/error-catalogue.test.ts.

export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly titleZh: string;
}

export const ERROR_CATALOGUE = {
  GW_BAD_REQUEST: { status: 400, title: 'Bad request', titleZh: '请求无效' },
  GW_MALFORMED_JSON: {
    status: 400,
    title: 'Malformed JSON body',
    titleZh: '请求体不是合法的 JSON',
  },
  GW_BAD_ENCODING: {
    status: 400,
    title: 'Body does not match its Content-Encoding',
    titleZh: '请求体与 Content-Encoding 不符',
  },
  GW_INVALID_PARAMETER: { status: 400, title: 'Invalid parameter', titleZh: '参数无效' },
  GW_IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    title: 'Idempotency-Key header missing or malformed',
    titleZh: '缺少或无效的 Idempotency-Key 请求头',
  },
  GW_IF_MATCH_INVALID: {
    status: 400,
    title: 'If-Match header malformed: `*` or entity-tags in quotes',
    titleZh: '无效的 If-Match 请求头：应为 * 或带引号的实体标签',
  },
  GW_AUTH_MISSING: {
    status: 401,
    title: 'Authentication headers missing or malformed',
    titleZh: '认证请求头缺失或格式错误',
  },
  GW_AUTH_UNKNOWN_CLIENT: { status: 401, title: 'Unknown client', titleZh: '未知的客户端' },
  GW_AUTH_BAD_SIGNATURE: { status: 401, title: 'Signature does not match', titleZh: '签名不匹配' },
  GW_AUTH_STALE_TIMESTAMP: {
    status: 401,
    title: 'Timestamp outside the allowed window',
    titleZh: '时间戳超出允许范围',
  },
  GW_AUTH_REPLAYED_NONCE: { status: 401, title: 'Nonce already used', titleZh: '随机数已被使用' },
  GW_FORBIDDEN: {
    status: 403,
    title: 'Not allowed for this client',
    titleZh: '该客户端无权执行此操作',
  },
  GW_FOUR_EYES: {
    status: 403,
    title: 'The author of a draft cannot approve it (four-eyes rule)',
    titleZh: '草稿作者不能审批自己的草稿（双人复核）',
  },
  GW_DRAFT_NOT_AUTHOR: {
    status: 403,
    title: 'Only the author of a draft may change it',
    titleZh: '只有草稿作者可以修改或提交草稿',
  },
  GW_NOT_FOUND: { status: 404, title: 'Not found', titleZh: '资源不存在' },
  GW_ROUTE_NOT_FOUND: { status: 404, title: 'No such endpoint', titleZh: '接口不存在' },
  GW_CASE_NOT_FOUND: { status: 404, title: 'Case not found', titleZh: '办件不存在' },
  GW_ITEM_NOT_FOUND: { status: 404, title: 'Catalogue item not found', titleZh: '事项不存在' },
  GW_DIVISION_NOT_FOUND: { status: 404, title: 'Division not found', titleZh: '行政区划不存在' },
  GW_RECTIFICATION_NOT_FOUND: {
    status: 404,
    title: 'Rectification not found',
    titleZh: '整改记录不存在',
  },
  GW_DRAFT_NOT_FOUND: {
    status: 404,
    title: 'Catalogue draft not found',
    titleZh: '目录草稿不存在',
  },
  GW_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', titleZh: '不支持的请求方法' },
  GW_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request not received in time',
    titleZh: '请求未在规定时间内送达',
  },
  GW_IDEMPOTENCY_CONFLICT: {
    status: 409,
    title: 'Idempotency-Key reused with a different body',
    titleZh: '幂等键已用于不同的请求体',
  },
  GW_ILLEGAL_TRANSITION: {
    status: 409,
    title: 'Event not allowed in the current status',
    titleZh: '当前状态不允许该事件',
  },
  GW_ALREADY_EVALUATED: {
    status: 409,
    title: 'This party of the case has been evaluated',
    titleZh: '该办件的此评价对象已评价',
  },
  GW_DRAFT_STATE: {
    status: 409,
    title: 'The draft is not in a status that allows this',
    titleZh: '草稿当前状态不允许此操作',
  },
  GW_DRAFT_STALE: {
    status: 409,
    title: "Another version was published after the draft's base version",
    titleZh: '草稿所依据的版本之后已有新版本发布',
  },
  GW_DRAFT_SAVED_ELSEWHERE: {
    status: 409,
    title: 'The draft was saved again after the save this change was made on',
    titleZh: '此修改所依据的保存之后，草稿已另行保存',
  },
  GW_DRAFT_PRECONDITION_FAILED: {
    status: 412,
    title: 'The draft changed since the version its If-Match names',
    titleZh: '草稿在 If-Match 所指版本之后已被修改',
  },
  GW_PAYLOAD_TOO_LARGE: { status: 413, title: 'Body too large', titleZh: '请求体过大' },
  GW_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Content-Type must be application/json in UTF-8',
    titleZh: 'Content-Type 必须为 UTF-8 编码的 application/json',
  },
  GW_UNSUPPORTED_ENCODING: {
    status: 415,
    title: 'Content-Encoding not supported',
    titleZh: '不支持的 Content-Encoding',
  },
  // Not only schema mismatches: a callbackUrl refused, an event's time outside what the case
  // accepts, regions that do not fit the mode. The title says only that it failed; each detail
  // says what (a schema by name, or the check that matched no schema).
  GW_VALIDATION_FAILED: {
    status: 422,
    title: 'The request failed validation',
    titleZh: '请求未通过校验',
  },
  GW_DUPLICATE_KEY: {
    status: 422,
    title: 'A JSON object names a member twice',
    titleZh: 'JSON 对象中有重复的成员名',
  },
  GW_FORBIDDEN_CHARACTER: {
    status: 422,
    title: 'Text holds a character that is not allowed',
    titleZh: '文本含有不允许的字符',
  },
  GW_IDENTIFIER_INVALID: {
    status: 422,
    title: 'An identifier fails its check',
    titleZh: '证件号码或代码校验失败',
  },
  // The item's schema, its cross-field rules or its subject (who may apply): the detail says which.
  GW_PAYLOAD_INVALID: {
    status: 422,
    title: "The payload does not meet the item's requirements",
    titleZh: '业务数据不符合事项要求',
  },
  GW_RESULT_INVALID: {
    status: 422,
    title: "The result does not match the item's result schema or its rules",
    titleZh: '办理结果不符合事项结果规范或其校验规则',
  },
  GW_RELATED_CASE_UNKNOWN: {
    status: 422,
    title: 'The related case is not a case of this portal',
    titleZh: '关联办件不存在',
  },
  GW_NOT_EVALUABLE: {
    status: 422,
    title: 'The case cannot be evaluated (not closed, window passed or no such rated party)',
    titleZh: '该办件当前不可评价（未办结、已超过评价期限或评价对象不适用）',
  },
  GW_ITEM_VERSION_NOT_FOUND: {
    status: 422,
    title: 'Item version not published',
    titleZh: '事项版本未发布',
  },
  GW_DRAFT_INVALID: {
    status: 422,
    title: 'The draft cannot be stored as it is',
    titleZh: '草稿内容无效,未保存',
  },
  GW_DRAFT_NOT_VALID: {
    status: 422,
    title: 'The draft has problems or was changed since it was validated',
    titleZh: '草稿未通过校验,或校验后又被修改',
  },
  GW_DRAFT_UNCHANGED: {
    status: 422,
    title: 'The draft is the same as the published version it changes',
    titleZh: '草稿与所依据的已发布版本完全相同，没有可发布的修改',
  },
  GW_ITEM_VERSION_RETIRED: {
    status: 422,
    title: 'Item version retired (past its sunset)',
    titleZh: '事项版本已停止受理（已过停用日期）',
  },
  GW_ITEM_DISABLED: {
    status: 422,
    title: 'Item disabled by the catalogue operators',
    titleZh: '事项已停用',
  },
  GW_DIVISION_UNKNOWN: {
    status: 422,
    title: 'Unknown or retired division code',
    titleZh: '行政区划代码不存在或已撤销',
  },
  GW_NOT_MEMBER: {
    status: 422,
    title: 'Province is not an alliance member on this date',
    titleZh: '该省份当日不是跨省通办联盟成员',
  },
  GW_NOT_CROSS_PROVINCE: {
    status: 422,
    title: 'Same-province case belongs to the provincial platform',
    titleZh: '省内事项请通过本省平台办理',
  },
  GW_ITEM_NOT_ENABLED: {
    status: 422,
    title: 'Item not enabled in the handling province',
    titleZh: '该事项未在办理地省份开通',
  },
  GW_MODE_NOT_OFFERED: {
    status: 422,
    title: 'Item does not offer this mode',
    titleZh: '该事项不支持此办理模式',
  },
  GW_REGION_NOT_COLLECTABLE: {
    status: 422,
    title: 'Portal may not collect for this receiving region',
    titleZh: '该门户无权代收此收件地的办件',
  },
  GW_REGION_TOO_COARSE: {
    status: 422,
    title: "Handling region is coarser than the item's level",
    titleZh: '办理地区划层级高于事项办理层级',
  },
  GW_NO_ROUTE: { status: 422, title: 'No adapter routes this region', titleZh: '没有可用的路由' },
  GW_BULK_REPLAY_REFUSED: {
    status: 422,
    title: 'Cases the province refused are replayed one by one, after checking',
    titleZh: '省级平台拒收的死信不能批量重放，请逐件核对后重放',
  },
  GW_RATE_LIMITED: { status: 429, title: 'Too many requests', titleZh: '请求过于频繁' },
  GW_HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request headers too large',
    titleZh: '请求头过大',
  },
  GW_INTERNAL: { status: 500, title: 'Internal error', titleZh: '内部错误' },
  GW_CASE_DATA_UNREADABLE: {
    status: 500,
    title: "The case's stored data cannot be decrypted",
    titleZh: '办件存储数据无法解密',
  },
  GW_UNAVAILABLE: {
    status: 503,
    title: 'Service temporarily unavailable',
    titleZh: '服务暂不可用',
  },
  GW_OVERLOADED: {
    status: 503,
    title: 'Gateway busy: too many requests in progress',
    titleZh: '网关繁忙：处理中的请求过多',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One problem inside a request, located by a JSON pointer into the body (or a parameter). */
export interface FieldProblem {
  path: string;
  message: string;
  messageZh: string;
  keyword?: string;
}

/**
 * The most problems a refusal lists in `errors` (README.md#bad-input-and-limits). A body of 256 KiB
 * can hold 20 000 unknown members: listed one by one they made a 2.5 MB answer and a third of a
 * second of the gateway's CPU, and no portal shows a user more than a page of them. A refusal with
 * more says so (`errorsTruncated`, and its detail), so a portal knows that fixing the listed ones
 * is not the end. A builder that can stop early (toFieldProblems) stops after one more than this:
 * enough to know there are more, never the cost of all of them.
 */
export const LISTED_PROBLEMS = 100;

/** "1 problem", "7 problems", "more than 100 problems": the count a refusal's detail names. */
export function problemCount(problems: readonly unknown[]): string {
  if (problems.length > LISTED_PROBLEMS) return `more than ${LISTED_PROBLEMS} problems`;
  return problems.length === 1 ? '1 problem' : `${problems.length} problems`;
}

/**
 * RFC 9457 extension members beyond `code`, `requestId` and `errors`: each is optional, carried by
 * the codes its comment names, and listed in the OpenAPI Problem schema (openapi/api-schemas.ts).
 * A member added here is compatible: clients tolerate members they do not know.
 */
export interface ProblemExtensions {
  /**
   * GW_AUTH_BAD_SIGNATURE when the signature was checked: the string-to-sign the gateway computed
   * from the request (auth/authenticate.ts). It holds nothing the request did not send — never the
   * secret, never the expected signature (that would sign any request for whoever asks).
   */
  stringToSign?: string;
  /**
   * Any refusal with `errors` that found more than LISTED_PROBLEMS problems: `errors` holds the
   * first LISTED_PROBLEMS of them, and the detail says so in English and Chinese. Absent when
   * `errors` is the whole list.
   */
  errorsTruncated?: true;
}

export interface GatewayErrorOptions {
  detail?: string;
  errors?: FieldProblem[];
  extensions?: ProblemExtensions;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base of every error the gateway answers with. Its code fixes status and title. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[] | undefined;
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    super(options.detail ?? ERROR_CATALOGUE[code].title, { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    // Cut here, where every refusal is constructed, so no builder of a list can send more.
    const truncated = (options.errors?.length ?? 0) > LISTED_PROBLEMS;
    this.detail = options.detail;
    this.errors = truncated ? options.errors?.slice(0, LISTED_PROBLEMS) : options.errors;
    this.extensions = truncated
      ? { ...options.extensions, errorsTruncated: true }
      : (options.extensions ?? {});
    this.headers = options.headers ?? {};
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
