// Who may see a console page (gateway/console/README.md#security). requireSignIn: a request
// without a live session goes to the sign-in page; a POST must carry the session's CSRF token
// (synchronizer token, compared in constant time) or is refused with 403 and audited.
// requireRight: an operator without the page's right gets the 403 page, audited as refused — the
// link was not shown to them, so such a request was typed or forged.
import type { Request, RequestHandler, Response } from 'express';
import type { OperatorRight } from '../auth/client-registry.ts';
import { locals } from '../http/request-context.ts';
import { operatorOf, signedIn, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { tokenMatches } from './console-sessions.ts';
import { CSRF_FIELD } from './forms.ts';

export const SESSION_COOKIE = 'gw_console';

/** The Set-Cookie value for a session id, or for removing it. */
export function sessionCookie(id: string | undefined, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${id ?? ''}`,
    'Path=/console',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(id ? [] : ['Max-Age=0']),
  ].join('; ');
}

export function sessionIdOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The console page a form was sent from, by the Referer this origin's pages send (Referrer-Policy
 * same-origin): after signing in again an operator whose session ended under a form goes back to
 * that page (a draft's editor puts the unsaved text back there), not to the overview.
 */
function formPageOf(req: Request): string | undefined {
  try {
    const from = new URL(req.get('referer') ?? '');
    return from.host === req.get('host') ? from.pathname + from.search : undefined;
  } catch {
    return undefined;
  }
}

/** Where to come back to after signing in: console paths only (no open redirect). */
export function safeNext(next: string): string {
  return /^\/console\/[A-Za-z0-9/_?=&.%-]*$/.test(next) && !next.includes('//')
    ? next
    : '/console/';
}

/** Appends to the audit chain: who, what, on what, how it ended, why. */
export async function audit(
  deps: ConsoleDeps,
  res: Response,
  entry: {
    actor: string;
    action: string;
    target: string;
    outcome: 'ok' | 'refused' | 'failed';
    reason?: string;
  },
): Promise<void> {
  await deps.services.audit.append({ ...entry, requestId: locals(res).requestId });
}

/**
 * `csrf: false` only for Bull Board, whose own scripts send JSON without our token: queue-board.ts
 * requires those requests to come from this origin instead.
 */
export function requireSignIn(deps: ConsoleDeps, options = { csrf: true }): RequestHandler {
  return async (req, res, next) => {
    const found = await deps.sessions.find(sessionIdOf(req));
    const operator =
      'session' in found ? deps.services.clients.get(found.session.operatorId) : undefined;
    if (!('session' in found) || operator?.kind !== 'operator' || !operator.passwordHash) {
      if ('session' in found) await deps.sessions.close(found.session.id);
      const expired = 'expired' in found ? '&expired=1' : '';
      const back = req.method === 'GET' ? req.originalUrl : (formPageOf(req) ?? '/console/');
      // An expired session's cookie is left in place: its id opens nothing (Redis no longer
      // knows it, and sign-in replaces it), and it is the only sign that this browser was signed
      // in. Cleared here, the next request — a second tab, a page left open and reloaded — found
      // no cookie and sent the operator to a sign-in page that no longer said 会话已超时.
      if (!('expired' in found)) {
        res.setHeader('Set-Cookie', sessionCookie(undefined, deps.secureCookies));
      }
      res.redirect(303, `/console/sign-in?next=${encodeURIComponent(safeNext(back))}${expired}`);
      return;
    }
    const { session } = found;
    if (options.csrf && req.method !== 'GET' && req.method !== 'HEAD') {
      const given = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!tokenMatches(session.csrf, given)) {
        await audit(deps, res, {
          actor: operator.id,
          action: 'console.post',
          target: req.path.slice(0, 200),
          outcome: 'refused',
          reason: 'CSRF token missing or wrong',
        });
        throw new ConsoleError(
          403,
          '表单已失效（缺少或错误的 CSRF 令牌），请返回页面刷新后重试',
          'The form has expired (CSRF token missing or wrong); reload the page and try again',
        );
      }
    }
    signedIn(res, session, operator);
    next();
  };
}

/** 403 (audited) unless the operator holds `right`; `action` names what was attempted. */
export function requireRight(
  deps: ConsoleDeps,
  right: OperatorRight,
  action: string,
): RequestHandler {
  return async (req, res, next) => {
    const operator = operatorOf(res);
    if (operator.rights.includes(right)) {
      next();
      return;
    }
    await audit(deps, res, {
      actor: operator.id,
      action,
      target: String(req.params.caseId ?? req.path).slice(0, 200),
      outcome: 'refused',
      reason: `needs the ${right} right`,
    });
    throw new ConsoleError(403, `此操作需要 ${right} 权限`, `This needs the ${right} right`);
  };
}

/** Headers for every console page: no framing, no foreign scripts or styles, nothing cached. */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
};
