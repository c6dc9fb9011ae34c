// Bull Board under /console/queues (gateway/console/README.md#pages): the BullMQ queues — one
// per adapter, and the callbacks — for signed-in operators only (it is mounted behind
// requireSignIn). Operators holding `replay` get the full board (retry, promote, clean), every
// change it makes audited; the others a read-only board. Its assets come from @bull-board/ui on
// this server; the one foreign reference its page carries (a web font) is removed, and its CSP
// allows this origin only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, RequestHandler, Response, Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { SLOT } from '../shared/redis-keys.ts';
import { can, operatorOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { audit } from './console-guard.ts';

export const QUEUES_PATH = '/console/queues';

function board(queues: readonly Queue[], readOnlyMode: boolean): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: '队列 Queues',
        locale: { lng: 'zh-CN' },
        // Its docs icon points to bull-board's site: kept off, the console links home instead.
        hideDocsLink: true,
        miscLinks: [{ text: '返回控制台 Back to the console', url: '/console/' }],
      },
    },
  });
  return serverAdapter.getRouter() as Router;
}

/** Removes links to other origins from Bull Board's page (its web font), keeping it local. */
const localOnly: RequestHandler = (_req, res, next) => {
  const send = res.send.bind(res);
  res.send = (body?: unknown) =>
    send(
      typeof body === 'string'
        ? body.replace(/<link\b[^>]*href="https?:\/\/[^"]*"[^>]*>/g, '')
        : body,
    );
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

export function queueBoard(deps: ConsoleDeps): Router {
  const { services } = deps;
  // The producers' own queues (with the stream cap they were built with, and on the connection
  // kept for BullMQ): a Queue built here would reset each event stream to BullMQ's default
  // length and define BullMQ's scripts on the gateway's batched connection.
  const queues = [
    ...services.routing.routes.adapters().map((adapter) => services.queues.queue(adapter)),
    services.callbacks.queue,
  ];
  // A change may touch any of them (pause all, retry a job of one): it waits for their slots
  // (and, as audit.replicated does, the audit chain's).
  const queueSlots = queues.map((q) => SLOT.queue(q.name));
  const full = board(queues, false);
  const readOnly = board(queues, true);
  const router = gatewayRouter();
  router.use(localOnly);
  router.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // No CSRF token from Bull Board's scripts: a change must name this origin (browsers send
      // Origin with every non-GET fetch), on top of the SameSite=Strict session cookie.
      if (req.get('origin') !== `${req.protocol}://${req.get('host')}`)
        throw new ConsoleError(403, '请从控制台内操作', 'Act from the console itself');
      const allowed = can(res, 'replay');
      await audit(deps, res, {
        actor: operatorOf(res).id,
        action: `queue.${req.method.toLowerCase()}`,
        target: req.path.slice(0, 200),
        outcome: allowed ? 'ok' : 'refused',
        ...(allowed ? {} : { reason: 'needs the replay right' }),
      });
      if (!allowed)
        throw new ConsoleError(403, '此操作需要 replay 权限', 'This needs the replay right');
    }
    const chain = services.audit;
    if (req.method !== 'GET' && req.method !== 'HEAD' && chain.replicated)
      answerOnceReplicated(res, next, async () => {
        await chain.replicated?.(...queueSlots);
      });
    (can(res, 'replay') ? full : readOnly)(req, res, next);
  });
  return router;
}

/**
 * With GW_REDIS_WAIT_REPLICAS (README.md#replicas), Bull Board's answer to a change (retry,
 * promote, clean, pause…) is held until the change and its audit entry are on the replicas, as
 * every other operator action's is (auditedAction); else the change's answer is the 503 page.
 * Bull Board answers by itself (res.json), so what waits is the answer's end: the headers are
 * not sent before it.
 */
function answerOnceReplicated(
  res: Response,
  next: NextFunction,
  reached: () => Promise<void>,
): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    res.end = end as Response['end'];
    const answer = () => end(...args);
    if (res.statusCode >= 400) return answer();
    reached().then(answer, (error: unknown) => {
      for (const header of ['Content-Length', 'Content-Type', 'ETag']) res.removeHeader(header);
      next(error);
    });
    return res;
  }) as Response['end'];
}
