// When something a request needs fails — the portal's Redis above all (README.md#the-taxpayer-portal):
// the page or call answers 503 saying the service is briefly unavailable — a page in Chinese, an API
// call or a callback as JSON (the gateway retries a callback not answered 2xx) — and the portal
// keeps serving; its Redis connection reconnects by itself. Express 5 hands a handler's rejected
// promise here. The warning names the failure and the path, never a cookie or a key.
import type { ErrorRequestHandler } from 'express';
import type { Pages } from './html.ts';

const TITLE = '服务暂时不可用，请稍后再试';

export function storeUnavailable(
  pages: Pages,
  warn: (message: string) => void,
): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // A refused request (a body that is not JSON, too large; an asset not found) keeps its 4xx.
    const status = (error as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status < 500) {
      next(error);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    warn(`portal ${req.method} ${req.path} answered 503: ${reason}`);
    if (res.headersSent) {
      next(error);
      return;
    }
    res.set('Retry-After', '5');
    if (req.path.startsWith('/api/') || req.path.startsWith('/callbacks/'))
      res.status(503).json({ code: 'PORTAL_UNAVAILABLE', title: TITLE });
    else
      res
        .status(503)
        .type('html')
        .send(pages.render('unavailable', { title: TITLE }));
  };
}
