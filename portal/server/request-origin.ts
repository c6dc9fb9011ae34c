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
// Behind the province's reverse proxy (production: an https PORTAL_PUBLIC_URL) a proxy that rewrites
// Host to its upstream's (127.0.0.1:port) no longer matches the Origin a browser names, and a
// browser without Fetch Metadata was refused its own login: so Origin may also be exactly the
// origin of PORTAL_PUBLIC_URL — same scheme, host and port, as the browser serializes it — and
// nothing looser (another port, the other scheme, a domain ending in it are foreign).
// The gateway's callbacks are server-to-server, signed, and carry neither: they are not a
// browser's, and their signature is their proof (callback-verifier.ts).
import type { Request, RequestHandler, Response } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The origin browsers name for the portal's public address (`https://host[:port]`, the default
 * port left out), or undefined without one.
 */
export function publicOrigin(publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  try {
    return new URL(publicUrl).origin;
  } catch {
    return undefined; // portal-config.ts refuses a PORTAL_PUBLIC_URL that is not a URL
  }
}

/**
 * Whether the browser says this request comes from one of the portal's own pages: `ownOrigin`
 * is publicOrigin(PORTAL_PUBLIC_URL), compared as a whole string.
 */
export function fromPortalPage(req: Request, ownOrigin?: string): boolean {
  const site = req.get('sec-fetch-site');
  // A browser that sends Fetch Metadata says where the request comes from; its word is final, as
  // no page can set this header (a non-browser client can, but it needs no forged request).
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  if (ownOrigin !== undefined && origin === ownOrigin) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false; // `null`, or not a URL
  }
}

/**
 * Refuses a state-changing request from anywhere but the portal's pages (served on this host, or
 * at `publicUrl`, PORTAL_PUBLIC_URL): an API call gets 403
 * `PORTAL_FOREIGN_ORIGIN` as JSON, a form post (login, sign-out) the `page` answer.
 */
export function portalPagesOnly(
  page: (req: Request, res: Response) => void,
  publicUrl?: string,
): RequestHandler {
  const ownOrigin = publicOrigin(publicUrl);
  return (req, res, next) => {
    if (
      SAFE_METHODS.has(req.method) ||
      req.path.startsWith('/callbacks/') ||
      fromPortalPage(req, ownOrigin)
    ) {
      next();
      return;
    }
    res.status(403);
    if (req.path.startsWith('/api/'))
      res.json({ code: 'PORTAL_FOREIGN_ORIGIN', title: '请求并非来自本站页面，已拒绝' });
    else page(req, res);
  };
}
