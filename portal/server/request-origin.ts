// Which requests may change something (README.md#the-taxpayer-portal): every state-changing request
// a browser sends to the portal — the login and sign-out forms, the API's payments and ratings —
// must come from the portal's own pages. The session's CSRF token guards what a session does, but
// the login has no session yet: another site's form posting the attacker's login and password
// signed the taxpayer into the attacker's enterprise (login CSRF), since a post without an Origin
// header was let through. Browsers name the page's origin in `Origin` on every POST (Chromium,
// Firefox, Safari, same-origin posts included), and in `Sec-Fetch-Site` whether it is this origin
// (over https and on loopback). So a request is the portal's own when Sec-Fetch-Site says
// same-origin, or — a browser without Fetch Metadata, or plain http to a non-loopback host, where
// it is not sent — when Origin names this host; a missing, `null` or foreign Origin is refused.
// The gateway's callbacks are server-to-server, signed, and carry neither: they are not a
// browser's, and their signature is their proof (callback-verifier.ts).
import type { Request, RequestHandler, Response } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the browser says this request comes from one of the portal's own pages. */
export function fromPortalPage(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  // A browser that sends Fetch Metadata says where the request comes from; its word is final, as
  // no page can set this header (a non-browser client can, but it needs no forged request).
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false; // `null`, or not a URL
  }
}

/**
 * Refuses a state-changing request from anywhere but the portal's pages: an API call gets 403
 * `PORTAL_FOREIGN_ORIGIN` as JSON, a form post (login, sign-out) the `page` answer.
 */
export function portalPagesOnly(page: (req: Request, res: Response) => void): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || req.path.startsWith('/callbacks/') || fromPortalPage(req)) {
      next();
      return;
    }
    res.status(403);
    if (req.path.startsWith('/api/'))
      res.json({ code: 'PORTAL_FOREIGN_ORIGIN', title: '请求并非来自本站页面，已拒绝' });
    else page(req, res);
  };
}
