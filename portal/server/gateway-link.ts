// The portal's only way to the gateway: the shipped signing client (gateway/client/gateway-client.ts)
// with the portal's own client id and secret, which never leave this server. Every call is signed
// (gateway/README.md#authentication-and-signing) and given PORTAL_GATEWAY_TIMEOUT_MS to be answered;
// a network failure or a gateway that does not answer in time becomes the portal's 503
// PORTAL_GATEWAY_UNREACHABLE, which the pages show, instead of an exception (a 500) or a page left
// waiting. The call may still have reached the gateway: a payment or a rating resent under its
// Idempotency-Key gets what the gateway stored, never a second one (README.md#the-taxpayer-portal).
import {
  GatewayClient,
  GatewayTimeoutError,
  type GatewayResponse,
} from '../../gateway/client/gateway-client.ts';
import type { PortalConfig } from './portal-config.ts';

/** What the portal answers when the gateway could not be reached or did not answer in time. */
export const GATEWAY_UNREACHABLE = 'PORTAL_GATEWAY_UNREACHABLE';

/** The pages' title for the gateway's own 503 (its title is English, for operators). */
export const GATEWAY_UNAVAILABLE_TITLE = '跨省通办平台暂不可用';

/**
 * The pages' title for the gateway's 429 GW_RATE_LIMITED: this portal, all its taxpayers together,
 * over its requests per second. Nothing was stored; the page may send again after Retry-After.
 */
export const GATEWAY_BUSY_TITLE = '跨省通办平台繁忙，请稍后再试';

/**
 * A gateway 429 as a page is answered: 429 with the gateway's Retry-After and a Chinese title. It
 * was passed on with the gateway's English title ("Too many requests") and no Retry-After, so a
 * burst of one taxpayer's presses showed every other taxpayer of the portal an English refusal.
 */
export function gatewayBusy(answer: GatewayResponse<unknown>): {
  status: 429;
  body: { code?: string; title: string; detail?: string };
  retryAfter?: string;
} {
  const problem = answer.body as Problem;
  const retryAfter = answer.headers.get('retry-after') ?? undefined;
  return {
    status: 429,
    body: { code: problem.code, title: GATEWAY_BUSY_TITLE, detail: problem.detail },
    ...(retryAfter ? { retryAfter } : {}),
  };
}

/**
 * Whether an answer is the gateway's own 503 (GW_UNAVAILABLE: its Redis down or slow, a write not
 * yet on enough replicas), not the portal's PORTAL_GATEWAY_UNREACHABLE: a payment or a rating so
 * answered may have been stored, and its resend under the same Idempotency-Key is answered with
 * what was (gateway/README.md#errors), so the pages pass it on as a 503 with its Retry-After.
 */
export function isGatewayUnavailable(answer: GatewayResponse<unknown>): boolean {
  return answer.status === 503 && (answer.body as Problem).code !== GATEWAY_UNREACHABLE;
}

export interface Problem {
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string; messageZh: string }[];
}

/** One rating of a case, as GET /v1/cases/{id} lists it (gateway/README.md#evaluations). */
export interface GatewayEvaluation {
  readonly evaluationId: string;
  readonly rated: 'handling' | 'collecting';
  readonly level: number;
  readonly source: 'applicant' | 'default';
  readonly at: string;
  /** An upheld appeal found this 差评 untrue (gateway/README.md#rectification-lifecycle). */
  readonly voided: boolean;
  /** The rectification a 差评 opened (null for a good rating). */
  readonly rectificationId?: string | null;
}

/**
 * A rectification as GET /v1/rectifications/{id} shows it to the rated case's portal
 * (gateway/README.md#rectification-lifecycle): the fields the case page shows.
 */
export interface GatewayRectification {
  readonly rectificationId: string;
  readonly status: string;
  readonly visitDueAt: string;
  readonly dueAt: string;
  readonly reRatingDueAt?: string;
  /** The re-rating that closed it: the applicant's, or 基本满意 by default once the window ended. */
  readonly reRating?: { readonly level: number; readonly at: string; readonly source: string };
}

/** A gateway case as GET /v1/cases/{id} returns it (personal fields masked). */
export interface GatewayCase {
  readonly caseId: string;
  readonly status: string;
  readonly phase: { key: string; zh: string };
  readonly itemCode: string;
  readonly provinceCaseNo: string | null;
  /** One province's route names its adapter (yn); a joint case's names its parties instead. */
  readonly route?: { readonly adapter?: string };
  readonly result: Record<string, unknown> | null;
  readonly relatedCases?: readonly { caseId: string; relation: string }[];
  readonly submission: Record<string, unknown>;
  readonly history: readonly { at: string; status: string; actor: string; note?: string }[];
  readonly evaluations?: readonly GatewayEvaluation[];
  readonly createdAt: string;
}

export class GatewayLink {
  readonly #client: GatewayClient;
  readonly #warn: (message: string) => void;

  constructor(
    config: Pick<PortalConfig, 'gatewayUrl' | 'gatewayTimeoutMs' | 'clientId' | 'secret'>,
    warn: (message: string) => void = () => undefined,
  ) {
    this.#client = new GatewayClient(
      config.gatewayUrl,
      { clientId: config.clientId, secret: config.secret },
      { timeoutMs: config.gatewayTimeoutMs },
    );
    this.#warn = warn;
  }

  async #call<T>(call: () => Promise<GatewayResponse<T>>): Promise<GatewayResponse<T | Problem>> {
    let answer: GatewayResponse<T>;
    try {
      answer = await call();
    } catch (error) {
      // A timeout is named (the gateway hangs); a refused connection is the usual "fetch failed".
      if (error instanceof GatewayTimeoutError) this.#warn(`portal: ${error.message}`);
      const body: Problem = { code: GATEWAY_UNREACHABLE, title: '暂时无法连接跨省通办平台' };
      return { status: 503, headers: new Headers(), body };
    }
    const mismatch = answer.signatureMismatch;
    if (!mismatch) return answer;
    // A refused signature is the portal's configuration, for its operator's log, which line
    // differs and all; the gateway's string-to-sign is of no use to a page that passes the
    // answer on (gateway/README.md#when-the-signature-does-not-match).
    this.#warn(`portal: ${mismatch.message}`);
    const { stringToSign: _stringToSign, ...body } = answer.body as Record<string, unknown>;
    return { status: answer.status, headers: answer.headers, body: body as Problem };
  }

  /** GET /v1/catalogue/items/{code}: metadata, schema (with its result schema), definitions. */
  item(code: string) {
    return this.#call(() =>
      this.#client.request<Record<string, unknown>>('GET', `/v1/catalogue/items/${code}`),
    );
  }

  submit(envelope: unknown, idempotencyKey: string) {
    return this.#call(() =>
      this.#client.submitCase<{ caseId: string; status: string }>(envelope, idempotencyKey),
    );
  }

  case(caseId: string) {
    return this.#call(() => this.#client.getCase<GatewayCase>(caseId));
  }

  /** GET /v1/rectifications/{id}: the rectification a 差评 of this portal's case opened. */
  rectification(id: string) {
    return this.#call(() =>
      this.#client.request<GatewayRectification>(
        'GET',
        `/v1/rectifications/${encodeURIComponent(id)}`,
      ),
    );
  }

  /**
   * POST /v1/rectifications/{id}/re-rating (gateway/README.md#rectification-lifecycle): the same
   * body twice is applied once, so a resend after a lost answer needs no Idempotency-Key.
   */
  reRate(id: string, reRating: { level: number; comment?: string }) {
    return this.#call(() =>
      this.#client.request<{ rectificationId: string; status: string; duplicate: boolean }>(
        'POST',
        `/v1/rectifications/${encodeURIComponent(id)}/re-rating`,
        { json: reRating },
      ),
    );
  }

  /** POST /v1/cases/{id}/evaluations (好差评, gateway/README.md). */
  evaluate(caseId: string, evaluation: unknown, idempotencyKey: string) {
    return this.#call(() =>
      this.#client.request('POST', `/v1/cases/${encodeURIComponent(caseId)}/evaluations`, {
        json: evaluation,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    );
  }
}
