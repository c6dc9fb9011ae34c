// Bull Board under /console/queues (gateway/console/README.md#pages): the BullMQ queues — one
// per adapter, and the callbacks — for signed-in operators only (it is mounted behind
// requireSignIn). Operators holding `replay` get the full board (retry, promote, clean), every
// change it makes audited with how it ended (a failed callback's Retry is the API's replay:
// callback-board-retry.ts); the others a read-only board. Its assets come from @bull-board/ui on
// this server; the one foreign reference its page carries (a web font) is removed, and its CSP
// allows this origin only.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, RequestHandler, Response, Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import type { AuditOutcome } from '../audit/audit-chain.ts';
import { operatorEntry, type OperatorAction } from '../audit/operator-audit.ts';
import { SLOT } from '../shared/redis-keys.ts';
import { can, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { retryFailedCallbacks } from './callback-board-retry.ts';

export const QUEUES_PATH = '/console/queues';

/** Bull Board's own router over the queues: the one place its routes come from. */
export function bullBoard(queues: readonly Queue[], readOnlyMode: boolean): Router {
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
  const full = bullBoard(queues, false);
  const readOnly = bullBoard(queues, true);
  const router = gatewayRouter();
  router.use(localOnly);
  router.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // No CSRF token from Bull Board's scripts: a change must name this origin (browsers send
      // Origin with every non-GET fetch), on top of the SameSite=Strict session cookie.
      if (req.get('origin') !== `${req.protocol}://${req.get('host')}`)
        throw new ConsoleError(403, '请从控制台内操作', 'Act from the console itself');
      const action = {
        action: `queue.${req.method.toLowerCase()}`,
        target: req.path.slice(0, 200),
      };
      if (!can(res, 'replay')) {
        await deps.services.audit.append(
          operatorEntry(operatorRequest(res), action, 'refused', 'needs the replay right'),
        );
        throw new ConsoleError(403, '此操作需要 replay 权限', 'This needs the replay right');
      }
      // A failed callback's Retry gets its 8 attempts, as the API's replay (audited there).
      if (await retryFailedCallbacks(deps, req, res)) return;
      auditOnAnswer(deps, res, next, action, queueSlots);
    }
    (can(res, 'replay') ? full : readOnly)(req, res, next);
  });
  return router;
}

/** How a change ended, by Bull Board's answer: a 2xx did it, a 403 refused it, else it failed. */
function outcomeOf(status: number): AuditOutcome {
  if (status >= 200 && status < 300) return 'ok';
  return status === 403 ? 'refused' : 'failed';
}

/**
 * Why Bull Board did not do a change, from its answer: the status and its error body's
 * translation key and message (errors.js in @bull-board/api: `{error: {key}, message?}`), never
 * the request's data.
 */
function refusalReason(status: number, body: unknown): string {
  let detail = '';
  try {
    const text = Buffer.isBuffer(body)
      ? body.toString('utf8')
      : typeof body === 'string'
        ? body
        : '';
    const parsed = JSON.parse(text) as { error?: { key?: unknown }; message?: unknown };
    const key = typeof parsed.error?.key === 'string' ? ` ${parsed.error.key}` : '';
    const message = typeof parsed.message === 'string' ? `: ${parsed.message}` : '';
    detail = `${key}${message}`;
  } catch {
    // Not JSON (an HTML error page): the status says enough.
  }
  return `Bull Board answered ${status}${detail}`;
}

/**
 * Bull Board answers a change (retry, promote, clean, pause…) by itself — res.json, or its own
 * error handler's res.send — so the change's audit entry is appended at the answer's end, with
 * how it ended (outcomeOf) rather than before Bull Board ran it, and whichever way it ended. With
 * GW_REDIS_WAIT_REPLICAS (README.md#replicas) a done change's answer is held until the change and
 * its entry are on the replicas, as every other operator action's `ok` is (auditedAction); a
 * refused or failed one is answered once its entry is appended, as theirs are. What waits is the
 * answer's end: the headers are not sent before it, so should the entry not be appended, or the
 * replicas not confirm, the answer is the error page instead (503 for a Redis that is away).
 */
function auditOnAnswer(
  deps: ConsoleDeps,
  res: Response,
  next: NextFunction,
  action: Pick<OperatorAction, 'action' | 'target'>,
  slots: readonly string[],
): void {
  const chain = deps.services.audit;
  const request = operatorRequest(res);
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    res.end = end as Response['end'];
    const status = res.statusCode;
    const outcome = outcomeOf(status);
    const recorded = async () => {
      const reason = outcome === 'ok' ? undefined : refusalReason(status, args[0]);
      await chain.append(operatorEntry(request, action, outcome, reason));
      if (outcome === 'ok') await chain.replicated?.(...slots);
    };
    recorded().then(
      () => end(...args),
      (error: unknown) => {
        for (const header of ['Content-Length', 'Content-Type', 'ETag']) res.removeHeader(header);
        next(error);
      },
    );
    return res;
  }) as Response['end'];
}
