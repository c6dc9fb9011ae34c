// Signing in and out of the console (gateway/console/README.md#security). The sign-in form is
// protected before any session exists by a double-submit token: GET sets it in a SameSite=Strict
// HttpOnly cookie and in the form, POST needs both equal — a page on another site can neither
// read the form nor send the cookie, so it cannot sign a victim in to its own account (login
// CSRF). A wrong id and a wrong password answer the same; every attempt is audited, under the id
// only when that id is a registered operator (an id field may hold a mistyped password).
import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { checkPassword } from '../auth/password-hash.ts';
import { gatewayRouter } from '../http/router.ts';
import { operatorOf, type ConsoleDeps } from './console-context.ts';
import { audit, requireSignIn, safeNext, sessionCookie, sessionIdOf } from './console-guard.ts';
import { tokenMatches } from './console-sessions.ts';
import { formText, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { publicPage, sendPage } from './layout.ts';

const PRE_COOKIE = 'gw_console_pre';

function preTokenOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === PRE_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function preCookie(token: string | undefined, secure: boolean): string {
  return [
    `${PRE_COOKIE}=${token ?? ''}`,
    'Path=/console/sign-in',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    token ? 'Max-Age=3600' : 'Max-Age=0',
  ].join('; ');
}

function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function signInForm(
  deps: ConsoleDeps,
  res: Response,
  options: { next: string; operatorId?: string; message?: HtmlValue; status?: number },
): void {
  const token = randomBytes(32).toString('base64url');
  res.setHeader('Set-Cookie', preCookie(token, deps.secureCookies));
  const message = options.message
    ? html`<p class="notice error" id="sign-in-message" role="alert">${options.message}</p>`
    : '';
  // The cursor starts where the operator types next (no script: autofocus): the id field, or after
  // a refused attempt that kept the id typed, the password, which is always to be typed again.
  // That field is described by the message, so a screen reader reads why along with the field.
  const onPassword = Boolean(options.operatorId);
  const focus = (onThis: boolean) =>
    onThis
      ? html`autofocus ${options.message ? html`aria-describedby="sign-in-message"` : ''}`
      : '';
  sendPage(
    res,
    publicPage(
      res,
      '登录',
      html`<section class="sign-in card">
        <h1>登录 <span class="en">Sign in</span></h1>
        ${message}
        <form method="post" action="/console/sign-in" id="sign-in-form">
          <input type="hidden" name="_csrf" value="${token}" />
          <input type="hidden" name="next" value="${options.next}" />
          <label for="operator">运维账号 <span class="en">Operator id</span></label>
          <input
            id="operator"
            name="operator"
            autocomplete="username"
            required
            maxlength="64"
            value="${options.operatorId ?? ''}"
            ${focus(!onPassword)}
          />
          <label for="password">密码 <span class="en">Password</span></label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="200"
            ${focus(onPassword)}
          />
          <button type="submit" class="primary" id="sign-in">
            登录 <span class="en">Sign in</span>
          </button>
        </form>
      </section>`,
    ),
    options.status ?? 200,
  );
}

export function signInRoutes(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { clients } = deps.services;
  const { consoleLockMinutes } = deps.services.config;

  router.get('/sign-in', async (req, res) => {
    const next = safeNext(queryText(req.query, 'next'));
    const found = await deps.sessions.find(sessionIdOf(req));
    if ('session' in found) {
      res.redirect(303, next);
      return;
    }
    const expired = queryText(req.query, 'expired') === '1';
    signInForm(deps, res, {
      next,
      message: expired
        ? html`会话已超时，请重新登录
            <span class="en">Your session has expired; please sign in again</span>`
        : undefined,
    });
  });

  router.post('/sign-in', async (req, res) => {
    const body = req.body as unknown;
    const next = safeNext(formText(body, 'next'));
    if (!sameOrigin(req) || !tokenMatches(preTokenOf(req) ?? '', formText(body, '_csrf', 100))) {
      signInForm(deps, res, {
        next,
        status: 403,
        message: html`登录表单已失效，请重新登录
          <span class="en">The sign-in form has expired; please sign in again</span>`,
      });
      return;
    }
    const typed = formText(body, 'operator', 64);
    const password = formText(body, 'password', 200);
    const ip = req.ip ?? '';
    const client = clients.get(typed);
    const operator = client?.kind === 'operator' ? client : undefined;
    const actor = operator?.id ?? '(unknown)';
    const locked = await deps.lockout.locked(typed, ip);
    if (locked) {
      await audit(deps, res, {
        actor,
        action: 'console.sign-in',
        target: 'console',
        outcome: 'refused',
        reason: `locked out (${locked === 'operator' ? 'operator id' : 'client address'})`,
      });
      signInForm(deps, res, {
        next,
        operatorId: typed,
        status: 429,
        message: html`登录失败次数过多，请 ${consoleLockMinutes} 分钟后再试
          <span class="en"
            >Too many failed sign-ins; try again in ${consoleLockMinutes} minutes</span
          >`,
      });
      return;
    }
    if (!operator || !(await checkPassword(password, operator.passwordHash))) {
      const closed = await deps.lockout.failed(typed, ip);
      await audit(deps, res, {
        actor,
        action: 'console.sign-in',
        target: 'console',
        outcome: 'refused',
        reason: 'wrong operator id or password',
      });
      for (const by of closed) {
        await audit(deps, res, {
          actor,
          action: 'console.lock-out',
          target: by === 'operator' ? 'operator id' : 'client address',
          outcome: 'ok',
          reason: `locked for ${consoleLockMinutes} minutes after repeated failed sign-ins`,
        });
      }
      signInForm(deps, res, {
        next,
        operatorId: typed,
        status: 401,
        message: html`账号或密码错误 <span class="en">Wrong operator id or password</span>`,
      });
      return;
    }
    await deps.lockout.succeeded(operator.id);
    // A new id at every sign-in: a session id planted before sign-in is worth nothing after it.
    await deps.sessions.close(sessionIdOf(req));
    const session = await deps.sessions.open(operator.id);
    await audit(deps, res, {
      actor: operator.id,
      action: 'console.sign-in',
      target: 'console',
      outcome: 'ok',
    });
    res.setHeader('Set-Cookie', [
      sessionCookie(session.id, deps.secureCookies),
      preCookie(undefined, deps.secureCookies),
    ]);
    res.redirect(303, next);
  });

  router.post('/sign-out', requireSignIn(deps), async (req, res) => {
    const operatorId = operatorOf(res).id;
    await deps.sessions.close(sessionIdOf(req));
    await audit(deps, res, {
      actor: operatorId,
      action: 'console.sign-out',
      target: 'console',
      outcome: 'ok',
    });
    res.setHeader('Set-Cookie', sessionCookie(undefined, deps.secureCookies));
    res.redirect(303, '/console/sign-in');
  });
  return router;
}
