// A gateway refusal as a taxpayer reads it (README.md#the-taxpayer-portal). The gateway's `title`
// is English, for operators and developers; the pages showed it as it came ("Item disabled by the
// catalogue operators", "Timestamp outside the allowed window", "Internal error") under a payment,
// a rating or a re-rating. Its 503 and 429 have titles of their own (gateway-link.ts); every other
// refusal that is passed on to a page goes through here: the gateway's own Chinese title for its
// code (gateway/shared/errors.ts, the one catalogue), except where that names the portal's own
// affairs — its signature, its clock, its rights — which the taxpayer can do nothing about.
import { ERROR_CATALOGUE } from '../../gateway/shared/errors.ts';
import type { Problem } from './gateway-link.ts';

/** The portal's signature, clock or client rights refused: its operator's to mend, not the page's. */
export const GATEWAY_REFUSED_PORTAL_TITLE = '跨省通办平台暂时未能确认本门户的请求，请稍后再试';
/** The gateway failed in itself (500): nothing the taxpayer sent is at fault. */
export const GATEWAY_FAILED_TITLE = '跨省通办平台处理出错，请稍后再试';
/** A code this portal does not know (a newer gateway's). */
export const GATEWAY_REFUSED_TITLE = '跨省通办平台未受理本次请求';

const PORTALS_OWN = /^GW_(AUTH_|FORBIDDEN$)/;

export function taxpayerTitle(status: number, problem: Problem | undefined): string {
  const code = problem?.code ?? '';
  // The portal's own (PORTAL_GATEWAY_UNREACHABLE: no answer came) is said in Chinese already.
  if (code.startsWith('PORTAL_') && problem?.title) return problem.title;
  if (PORTALS_OWN.test(code) || status === 401 || status === 403)
    return GATEWAY_REFUSED_PORTAL_TITLE;
  if (status >= 500) return GATEWAY_FAILED_TITLE;
  const spec = (ERROR_CATALOGUE as Record<string, { titleZh: string } | undefined>)[code];
  return spec?.titleZh ?? GATEWAY_REFUSED_TITLE;
}

/** The gateway's refusal with its title said for the taxpayer; the rest (code, errors) kept. */
export function forTaxpayer(status: number, body: unknown): Problem {
  const problem = (body ?? {}) as Problem;
  return { ...problem, title: taxpayerTitle(status, problem) };
}
