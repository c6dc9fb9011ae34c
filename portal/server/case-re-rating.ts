// The re-rating of a rectified 差评 from the case page (README.md#the-taxpayer-portal): once the
// handling province rectified or explained it, the applicant rates again, which closes the
// rectification (gateway/README.md#rectification-lifecycle, `re-rated`). The rectification is the
// one the case's own 差评 opened, read from the case — never an id the page sends. The gateway
// applies the same body twice once (200 duplicate), so a press whose answer was lost is simply sent
// again. Its 409 GW_ILLEGAL_TRANSITION is said in the taxpayer's terms, with the rectification as
// it stands: closed already (re-rated, or 基本满意 by default once the re-rating window ended:
// 409 PORTAL_ALREADY_RE_RATED), or not awaiting a re-rating (not yet rectified or explained, under
// appeal, voided: 409 PORTAL_NOT_RE_RATABLE).
import { followed } from './case-view.ts';
import { forTaxpayer } from './gateway-refusal.ts';
import {
  GATEWAY_UNAVAILABLE_TITLE,
  gatewayBusy,
  isGatewayUnavailable,
  type GatewayCase,
  type GatewayLink,
  type GatewayRectification,
  type Problem,
} from './gateway-link.ts';
import type { GatewayResponse } from '../../gateway/client/gateway-client.ts';
import type { RatingAnswer } from './case-rating.ts';

export interface ReRatingDeps {
  readonly gateway: Pick<GatewayLink, 'case' | 'rectification' | 'reRate'>;
}

export interface ReRatingInput {
  readonly caseId: string;
  /** 1–5, checked by the route (rating-form.ts). */
  readonly level: number;
  /** Trimmed; empty for none. */
  readonly comment: string;
}

const NOT_AWAITED: Readonly<Record<string, string>> = {
  OPEN: '经营地税务机关尚未整改或作出说明，暂不能复评',
  VISITED: '经营地税务机关尚未整改或作出说明，暂不能复评',
  APPEALED: '本评价正在申诉复核，暂不能复评',
  VOIDED: '评价已撤销，不能复评',
};

function unavailable(answer: GatewayResponse<unknown>): RatingAnswer {
  const problem = answer.body as Problem;
  const retryAfter = answer.headers.get('retry-after') ?? undefined;
  const title = isGatewayUnavailable(answer) ? GATEWAY_UNAVAILABLE_TITLE : problem.title;
  return {
    status: 503,
    body: { code: problem.code, title, detail: problem.detail },
    ...(retryAfter ? { retryAfter } : {}),
  };
}

export async function reRateCase(deps: ReRatingDeps, input: ReRatingInput): Promise<RatingAnswer> {
  const { caseId, level, comment } = input;
  const view = await deps.gateway.case(caseId);
  if (view.status === 503) return unavailable(view);
  if (view.status !== 200)
    return { status: 502, body: { code: 'PORTAL_GATEWAY', title: '暂时无法读取办件' } };
  const evaluation = (view.body as GatewayCase).evaluations?.find((e) => e.rated === 'handling');
  const id = evaluation?.rectificationId;
  if (!id)
    return {
      status: 409,
      body: { code: 'PORTAL_NOT_RE_RATABLE', title: '本办件没有待复评的差评整改' },
    };

  const answer = await deps.gateway.reRate(id, { level, ...(comment ? { comment } : {}) });
  const problem = answer.body as Problem;
  if (answer.status === 503) return unavailable(answer);
  if (answer.status === 429) return gatewayBusy(answer);
  if (answer.status !== 200 && !(answer.status === 409 && problem.code === 'GW_ILLEGAL_TRANSITION'))
    return { status: answer.status, body: forTaxpayer(answer.status, answer.body) };

  // Re-rated, or refused: either way the page is shown the rectification as it now stands.
  const read = await deps.gateway.rectification(id);
  const now = read.status === 200 ? (read.body as GatewayRectification) : null;
  const rectification = followed(now);
  if (answer.status === 200) {
    const { duplicate } = answer.body as { duplicate?: boolean };
    return {
      status: 200,
      body: { status: 'CLOSED', duplicate: duplicate === true, rectification },
    };
  }
  if (now?.status === 'CLOSED')
    return {
      status: 409,
      body: { code: 'PORTAL_ALREADY_RE_RATED', title: '整改已办结，不能再次复评', rectification },
    };
  const title = NOT_AWAITED[now?.status ?? ''] ?? '本整改暂不能复评';
  return { status: 409, body: { code: 'PORTAL_NOT_RE_RATABLE', title, rectification } };
}
