// Who is asking (README.md#the-taxpayer-portal): pages without a session go to the login page,
// API calls without one get 401; a state-changing call must also echo the session's CSRF token
// (X-CSRF-Token), which only the portal's own pages can read.
import type { NextFunction, Request, Response } from 'express';
import { loginReturn } from './login-return.ts';
import { csrfMatches, sessionIdOf, type Session, type SessionStore } from './sessions.ts';

export function sessionOf(res: Response): Session {
  const session = res.locals.session as Session | undefined;
  if (!session) throw new Error('sessionOf used on a route without requireSession');
  return session;
}

export function requireSession(sessions: SessionStore, kind: 'page' | 'api') {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // A Redis failure rejects: express 5 passes it to the 503 handler (store-unavailable.ts).
    const session = await sessions.find(sessionIdOf(req.headers.cookie));
    if (!session) {
      // Back to this page after logging in, when it is one the login goes back to (login-return.ts).
      if (kind === 'page') {
        const back = loginReturn(req.originalUrl);
        res.redirect(303, back === '/' ? '/login' : `/login?next=${encodeURIComponent(back)}`);
      } else res.status(401).json({ code: 'PORTAL_LOGIN_REQUIRED', title: '请先登录' });
      return;
    }
    if (req.method !== 'GET' && !csrfMatches(session, req.get('x-csrf-token'))) {
      res.status(403).json({ code: 'PORTAL_CSRF', title: '页面已过期，请刷新后重试' });
      return;
    }
    res.locals.session = session;
    next();
  };
}
