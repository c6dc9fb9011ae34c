// How the portal refuses a request it cannot read (README.md#the-taxpayer-portal): a path it does
// not serve, a case id that is not percent-encoding, a body that is not JSON, too large, in an
// unknown charset or encoding. Express's own answer to these is an HTML page with the error's stack
// (outside production), which an /api caller cannot read and a visitor should never see: an /api
// call or a callback is answered in the portal's JSON shape `{code, title}`, a page in plain text,
// the status kept. Found by the portal's route sweep (tests/integration/fuzz/portal-sweep.test.ts).
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

const isApi = (req: Request) => req.path.startsWith('/api/') || req.path.startsWith('/callbacks/');

function refuse(req: Request, res: Response, status: number, code: string, title: string): void {
  if (isApi(req)) res.status(status).json({ code, title });
  else res.status(status).type('text').send(title);
}

/** The last route: nothing here. */
export const notFound: RequestHandler = (req, res) => {
  refuse(req, res, 404, 'PORTAL_NOT_FOUND', '页面不存在');
};

/** A request refused before its handler (status < 500); anything else goes on to the 503. */
export const refusedRequest: ErrorRequestHandler = (error: unknown, req, res, next) => {
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500 || res.headersSent) {
    next(error);
    return;
  }
  if (status === 413) refuse(req, res, 413, 'PORTAL_TOO_LARGE', '请求内容过大');
  else if (status === 404) refuse(req, res, 404, 'PORTAL_NOT_FOUND', '页面不存在');
  else refuse(req, res, status, 'PORTAL_BAD_REQUEST', '请求无法识别，请刷新页面后重试');
};
