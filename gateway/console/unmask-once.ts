// An unmasked reading in the console is shown once, by a GET (gateway/console/README.md#pages):
// the unmask form's POST keeps the operator's reason in Redis under a random one-time token and
// redirects (303) to the page with `?unmasked=<token>`; that GET takes the token (GETDEL) and
// runs the audited unmasked read — one audit entry per deliberate unmask. Reloading that page, or
// coming back to it, finds the token spent and shows the page masked, saying why: before, the POST
// drew the unmasked page itself, so a reload asked the browser to send the form again and, sent,
// made a second audited reading. The URL carries the opaque token only, never what it shows; the
// page, as every console page, is `Cache-Control: no-store`.
// The token is taken only by the operator it was kept for, on the page it was kept for
// (scripts/take-unmask-token.lua): anyone else's GET of the URL is refused (audited as refused
// under the page's unmasked-read action) and leaves the token for its owner — a GETDEL spent it
// for whoever came first, so a colleague opening a shared link cost the owner the reading. The
// refused GET answers 403 with the page masked and a notice saying why and what to do: the bare
// 403 page it drew before was a dead end for a colleague who only wanted to see the case.
// The POST's missing right is refused here too, one way for every page (`reason`).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { operatorEntry, requireOperatorRight } from '../audit/operator-audit.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import { can, operatorOf, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { queryText } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { unmaskReason } from './unmask-form.ts';

const TAKE = luaScript(
  readFileSync(new URL('./scripts/take-unmask-token.lua', import.meta.url), 'utf8'),
);

/** Long enough for a slow redirect, short enough that a token left in history is long spent. */
const KEPT_SECONDS = 120;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;
const PARAM = 'unmasked';

/**
 * What a page's GET may show: unmasked for `reason`; masked after a spent token, or masked after
 * another operator's token or another page's (`foreign`, refused: the page answers 403).
 */
export type UnmaskedReading = { reason: string } | 'spent' | Foreign | undefined;

type Foreign = { foreign: 'operator' | 'page' };

/** The page unmasked: its path, and its id as the audit entries' target. */
export interface UnmaskedPage {
  path: string;
  target: string;
}

const FOREIGN: Readonly<Record<string, string>> = {
  operator: 'This unmask link was made for another operator',
  page: 'This unmask link was made for another page',
};

/** `action`: the page's audited unmasked read, e.g. `case.read-unmasked`. */
export function unmaskOnce(deps: ConsoleDeps, action: string) {
  const { redis, config, audit } = deps.services;
  const keys = redisKeys(config.keyPrefix).console;
  return {
    /**
     * The reason the unmask form's POST sent. Without the `unmask` right: 403 GW_FORBIDDEN, audited
     * as `action` refused, before the target or the reason is looked at (the form was not shown).
     */
    async reason(req: Request, res: Response, target: string): Promise<string> {
      await requireOperatorRight(audit, operatorRequest(res), {
        action,
        target: target.slice(0, 64),
        right: 'unmask',
      });
      return unmaskReason(req);
    },

    /**
     * After the POST's checks: keeps `reason` for one reading of `pagePath` by this operator and
     * redirects there (`query`: the page's own, e.g. where in a list the operator came from).
     */
    async redirect(res: Response, pagePath: string, reason: string, query = ''): Promise<void> {
      const token = randomBytes(16).toString('base64url');
      const key = keys.unmaskOnce(token);
      const record = { operator: operatorOf(res).id, path: pagePath, reason };
      await redis.set(key, JSON.stringify(record), 'EX', KEPT_SECONDS);
      // The redirect says the reading is ready: it must survive a fail-over (README.md#replicas).
      await audit.replicated?.(key);
      res.redirect(303, `${pagePath}${query ? `${query}&` : '?'}${PARAM}=${token}`);
    },

    /**
     * The reading a GET of `page` may show: its token taken, so it shows once. Another operator's
     * token, or another page's: audited as refused, the token left for its owner's page; the page
     * is drawn masked with `unmaskNotice` saying why, answered `unmaskStatus` (403).
     */
    async take(req: Request, res: Response, page: UnmaskedPage): Promise<UnmaskedReading> {
      const token = queryText(req.query, PARAM, 40);
      if (!token) return undefined;
      if (!TOKEN.test(token)) return 'spent';
      const [outcome, reason] = (await runScript(
        redis,
        TAKE,
        [keys.unmaskOnce(token)],
        [operatorOf(res).id, page.path],
      )) as [string, string?];
      if (outcome === 'taken') return { reason: reason ?? '' };
      if (outcome !== 'operator' && outcome !== 'page') return 'spent';
      await audit.append(
        operatorEntry(
          operatorRequest(res),
          { action, target: page.target.slice(0, 64) },
          'refused',
          FOREIGN[outcome],
        ),
      );
      return { foreign: outcome };
    },
  };
}

/** The reading to show unmasked, if the GET took its token. */
export function unmaskedReading(reading: UnmaskedReading): { reason: string } | undefined {
  return typeof reading === 'object' && 'reason' in reading ? reading : undefined;
}

/** The page's status: 403 when it was asked unmasked by a link it refused. */
export function unmaskStatus(reading: UnmaskedReading): 200 | 403 {
  return typeof reading === 'object' && 'foreign' in reading ? 403 : 200;
}

/** Above a page shown masked after its unmask link: spent, or someone else's (`reading`). */
export function unmaskNotice(res: Response, reading: UnmaskedReading): SafeHtml | '' {
  if (reading === 'spent') return spentNotice();
  if (typeof reading !== 'object' || !('foreign' in reading)) return '';
  const own = can(res, 'unmask')
    ? html`如需查看原文，请在下方填写理由（将记入审计）。
        <span class="en">To read it unmasked, give a reason below.</span>`
    : html`查看原文需要 unmask 权限。
        <span class="en">Reading it unmasked needs the unmask right.</span>`;
  const why =
    reading.foreign === 'operator'
      ? html`此查看链接是其他运维人员申请的，原文只向申请人显示，本页已脱敏；您的打开已记入审计。
          <span class="en"
            >This unmask link was made for another operator: the page is shown masked, and this
            attempt is audited.</span
          >`
      : html`此查看链接是为另一页面申请的，本页已脱敏；本次打开已记入审计，原链接仍可在原页面使用一次。
          <span class="en"
            >This unmask link was made for another page: this one is shown masked, and this attempt
            is audited; the link still works once on its own page.</span
          >`;
  return html`<p
    class="notice warn"
    id="unmask-refused"
    role="status"
    data-refused="${reading.foreign}"
  >
    ${why} ${own}
  </p>`;
}

/** Above a page whose one unmasked reading was already shown (reloaded, or back to it). */
function spentNotice(): SafeHtml {
  return html`<p class="notice" id="unmask-spent" role="status">
    原文只显示一次：刷新或返回本页不会再次显示，也不再记入审计；如需再看，请重新填写理由查看。
    <span class="en"
      >An unmasked reading is shown once: reloading or coming back shows the page masked, and
      nothing more is audited. To read it again, give a reason again.</span
    >
  </p>`;
}
