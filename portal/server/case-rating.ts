// 好差评 from the case page (README.md#the-taxpayer-portal): the portal rates the handling party of
// a closed case for its applicant. Every press by one account on one case carries the same
// Idempotency-Key (PortalKeys.ratingKey), so when the gateway stored a rating but its answer was
// lost on the way (a timeout, a reset connection), the resend gets the gateway's first 201 again
// (gateway/README.md#evaluations: same key and body, the same 201). A case rated already answers
// 409: GW_IDEMPOTENCY_CONFLICT when an earlier press stored another level under this key,
// GW_ALREADY_EVALUATED when it was rated otherwise (by default once the window passed, or under
// another key). Both mean a rating is kept, so the page is told which one — 409
// PORTAL_ALREADY_RATED with the rating the case now shows — rather than a refusal to explain.
import { keptRating, shownAt } from './case-view.ts';
import { forTaxpayer } from './gateway-refusal.ts';
import {
  GATEWAY_UNAVAILABLE_TITLE,
  gatewayBusy,
  isGatewayUnavailable,
  type GatewayCase,
  type GatewayLink,
  type Problem,
} from './gateway-link.ts';
import type { PortalKeys } from './portal-keys.ts';

export interface RatingDeps {
  readonly gateway: Pick<GatewayLink, 'evaluate' | 'case'>;
  readonly keys: Pick<PortalKeys, 'ratingKey'>;
}

export interface RatingInput {
  readonly login: string;
  readonly caseId: string;
  /** 1–5, checked by the route. */
  readonly level: number;
  /** Trimmed; empty for none. */
  readonly comment: string;
}

/** What the portal answers the page: the gateway's answer, or 409 PORTAL_ALREADY_RATED. */
export interface RatingAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The gateway's Retry-After, passed on with its own 503. */
  readonly retryAfter?: string;
}

const KEPT = new Set(['GW_ALREADY_EVALUATED', 'GW_IDEMPOTENCY_CONFLICT']);

export async function rateCase(deps: RatingDeps, input: RatingInput): Promise<RatingAnswer> {
  const { caseId, level, comment } = input;
  const answer = await deps.gateway.evaluate(
    caseId,
    { level, rated: 'handling', ...(comment ? { comment } : {}) },
    deps.keys.ratingKey(input.login, caseId),
  );
  const problem = answer.body as Problem;
  if (answer.status === 409 && KEPT.has(problem.code ?? '')) {
    // The rating kept, as the case shows it; none when the gateway cannot be read just now.
    const view = await deps.gateway.case(caseId);
    const rating = view.status === 200 ? keptRating(view.body as GatewayCase) : null;
    return { status: 409, body: { code: 'PORTAL_ALREADY_RATED', title: '本办件已评价', rating } };
  }
  if (answer.status === 404 && problem.code === 'GW_ROUTE_NOT_FOUND')
    return { status: 501, body: { code: 'PORTAL_RATING_UNAVAILABLE', title: '评价服务暂未开通' } };
  if (answer.status === 429) return gatewayBusy(answer);
  if (isGatewayUnavailable(answer)) {
    // The rating may have been stored: the page says a resend counts once (same key).
    const retryAfter = answer.headers.get('retry-after') ?? undefined;
    return {
      status: 503,
      body: { code: problem.code, title: GATEWAY_UNAVAILABLE_TITLE, detail: problem.detail },
      ...(retryAfter ? { retryAfter } : {}),
    };
  }
  // The rating stored: its time as the page shows it, beside the gateway's.
  const body = answer.body as { at?: unknown };
  if (answer.status === 201 && typeof body.at === 'string')
    return { status: 201, body: { ...body, shownAt: shownAt(body.at) } };
  if (answer.status >= 400)
    return { status: answer.status, body: forTaxpayer(answer.status, body) };
  return { status: answer.status, body: answer.body };
}
