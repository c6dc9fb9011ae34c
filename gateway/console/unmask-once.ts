// An unmasked reading in the console is shown once, by a GET (gateway/console/README.md#pages):
// the unmask form's POST keeps the operator's reason in Redis under a random one-time token and
// redirects (303) to the page with `?unmasked=<token>`; that GET takes the token (GETDEL) and
// runs the audited unmasked read — one audit entry per deliberate unmask. Reloading that page, or
// coming back to it, finds the token spent and shows the page masked, saying why: before, the POST
// drew the unmasked page itself, so a reload asked the browser to send the form again and, sent,
// made a second audited reading. The URL carries the opaque token only, never what it shows; the
// page, as every console page, is `Cache-Control: no-store`.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { redisKeys } from '../shared/redis-keys.ts';
import { operatorOf, type ConsoleDeps } from './console-context.ts';
import { queryText } from './forms.ts';
import { html, type SafeHtml } from './html.ts';

/** Long enough for a slow redirect, short enough that a token left in history is long spent. */
const KEPT_SECONDS = 120;
const TOKEN = /^[A-Za-z0-9_-]{22}$/;
const PARAM = 'unmasked';

/** What a page's GET may show: unmasked for `reason`, or masked after a spent token. */
export type UnmaskedReading = { reason: string } | 'spent' | undefined;

export function unmaskOnce(deps: ConsoleDeps) {
  const { redis, config, audit } = deps.services;
  const keys = redisKeys(config.keyPrefix).console;
  return {
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

    /** The reading a GET of `pagePath` may show: its token taken, so it shows once. */
    async take(req: Request, res: Response, pagePath: string): Promise<UnmaskedReading> {
      const token = queryText(req.query, PARAM, 40);
      if (!token) return undefined;
      if (!TOKEN.test(token)) return 'spent';
      const text = await redis.getdel(keys.unmaskOnce(token));
      if (text === null) return 'spent';
      const record = JSON.parse(text) as { operator: string; path: string; reason: string };
      // Another operator's token, or another page's: nothing shown unmasked.
      if (record.operator !== operatorOf(res).id || record.path !== pagePath) return 'spent';
      return { reason: record.reason };
    },
  };
}

/** Above a page whose one unmasked reading was already shown (reloaded, or back to it). */
export function spentNotice(): SafeHtml {
  return html`<p class="notice" id="unmask-spent" role="status">
    原文只显示一次：刷新或返回本页不会再次显示，也不再记入审计；如需再看，请重新填写理由查看。
    <span class="en"
      >An unmasked reading is shown once: reloading or coming back shows the page masked, and
      nothing more is audited. To read it again, give a reason again.</span
    >
  </p>`;
}
