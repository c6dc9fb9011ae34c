// Logging in and out (README.md#the-taxpayer-portal), and the home page. The login form posts
// to the portal itself; a post from anywhere else is refused before it reaches here
// (request-origin.ts), a wrong password answers the same as an unknown login, and repeated failures lock the login from that address, or the address,
// for five minutes (login-lockout.ts).
import express, { Router } from 'express';
import { homeCaseRows } from './home-cases.ts';
import type { Pages } from './html.ts';
import type { LoginLockout } from './login-lockout.ts';
import { loginReturn } from './login-return.ts';
import type { PortalCases } from './portal-cases.ts';
import { requireSession, sessionOf } from './session-guard.ts';
import { csrfMatches, sessionCookie, sessionIdOf, type SessionStore } from './sessions.ts';
import { checkPassword, type PortalAccount } from './test-accounts.ts';

export interface LoginDeps {
  readonly pages: Pages;
  readonly sessions: SessionStore;
  readonly lockout: LoginLockout;
  readonly accounts: readonly PortalAccount[];
  readonly cases: PortalCases;
  readonly secureCookies: boolean;
}

/** The login page, with `error` said above the form when there is one. */
export function loginPage(pages: Pages, error = '', next = '/'): string {
  return pages.render('login', {
    title: '登录',
    next,
    error,
    errorHidden: error ? '' : 'hidden',
    // A refused login names both fields (which one was wrong is not said), so both carry it.
    errorFor: error ? 'aria-invalid="true" aria-describedby="login-error"' : '',
  });
}

/**
 * What a sign-out asks the browser to clear for this origin, in every tab and not only the one
 * signed out (sign-out.js clears that one): `storage` — sessionStorage and localStorage, where
 * another open tab's payment form may be kept (pay-draft.js) — and `cache`, the HTTP cache. Not
 * `cookies`: the session cookie is cleared by name, and the directive clears every cookie of the
 * registrable domain, other sites of the province's included. Not `executionContexts`: Chromium
 * ignores it; the other tabs leave their pages by themselves (sign-out.js). Measured in Chromium
 * 156 on http://127.0.0.1 (README.md#the-taxpayer-portal), honoured on this 303 too.
 */
export const SIGNED_OUT_CLEARS = '"cache", "storage"';

/** Where a sign-out's answer sends: the login page, marked for sign-out.js to tell other tabs. */
export const SIGNED_OUT_LOGIN = '/login?signed-out';

export function loginRoutes(deps: LoginDeps): Router {
  const router = Router();
  const page = (error = '', next = '/') => loginPage(deps.pages, error, next);

  router.get('/login', (req, res) => {
    res.type('html').send(page('', loginReturn(req.query.next)));
  });

  router.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const login = typeof body.login === 'string' ? body.login.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = loginReturn(body.next);
    // The socket's peer, or the client a trusted proxy names (PORTAL_TRUST_PROXY, portal-app.ts).
    const address = req.ip ?? '';
    if (await deps.lockout.locked(login, address)) {
      res.status(429).type('html').send(page('登录失败次数过多，请 5 分钟后再试', next));
      return;
    }
    const account = checkPassword(deps.accounts, login, password);
    if (!account) {
      await deps.lockout.failed(login, address);
      res.status(401).type('html').send(page('账号或密码错误', next));
      return;
    }
    await deps.lockout.succeeded(login, address);
    // A new session id at every login, and the one this browser held ended: at a shared computer
    // where nobody pressed 退出, the earlier taxpayer's session lived on, idle, under its old id.
    const earlier = sessionIdOf(req.headers.cookie);
    if (earlier) await deps.sessions.close(earlier);
    const session = await deps.sessions.open(account);
    res.setHeader('Set-Cookie', sessionCookie(session.id, deps.secureCookies));
    res.redirect(303, next);
  });

  // A session ends only with its CSRF token, from the form every page of it carries: another
  // site's form could otherwise sign the taxpayer out (SameSite=Strict keeps the cookie from such a
  // post, but its answer could still clear the cookie). A post without a live session has nothing
  // to end: the cookie is cleared and the login page follows, as before. Either way the answer
  // clears what the browser keeps for this origin in every tab (SIGNED_OUT_CLEARS).
  router.post(
    '/logout',
    express.urlencoded({ extended: false, limit: '1kb' }),
    async (req, res) => {
      const session = await deps.sessions.find(sessionIdOf(req.headers.cookie));
      if (session) {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!csrfMatches(session, body._csrf)) {
          res.status(403).type('text').send('页面已过期，请刷新页面后重试');
          return;
        }
        await deps.sessions.close(session.id);
      }
      res.setHeader('Set-Cookie', sessionCookie(undefined, deps.secureCookies));
      res.setHeader('Clear-Site-Data', SIGNED_OUT_CLEARS);
      // The marker has the login page tell the taxpayer's other tabs (sign-out.js): only now that
      // the session ended, never for a refused sign-out.
      res.redirect(303, SIGNED_OUT_LOGIN);
    },
  );

  router.get('/', requireSession(deps.sessions, 'page'), async (_req, res) => {
    const { account, csrf } = sessionOf(res);
    const rows = homeCaseRows(await deps.cases.list(account.login));
    res.type('html').send(
      deps.pages.render('home', {
        title: '首页',
        enterprise: account.applicant.name,
        csrf,
        cases: rows || '<li class="muted">暂无办件</li>',
      }),
    );
  });
  return router;
}
