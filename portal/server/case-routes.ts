// Following a case (README.md#the-taxpayer-portal): its page, its current view, a live stream of
// views (server-sent events, pushed when a verified callback says it moved), the printable
// receipt of a payment, the 好差评 rating once it is closed (case-rating.ts) and the re-rating of
// its 差评 once the province rectified or explained it (case-re-rating.ts). Only the enterprise that
// submitted a case may see it; to anyone else it does not exist.
import express, { Router, type Response } from 'express';
import type { CaseFeed, CaseRead } from './case-feed.ts';
import { casePageView } from './case-view.ts';
import { rateCase, type RatingAnswer } from './case-rating.ts';
import { reRateCase } from './case-re-rating.ts';
import type { GatewayLink } from './gateway-link.ts';
import { escapeHtml, type Pages } from './html.ts';
import type { Labels } from './labels.ts';
import { placeText, type PlaceNames } from './place-names.ts';
import type { PortalCases } from './portal-cases.ts';
import type { PortalKeys } from './portal-keys.ts';
import { ratingForm, type RatingFields } from './rating-form.ts';
import { receiptTitle, receiptValues } from './receipt-page.ts';
import type { SessionFairness } from './session-fairness.ts';
import { requireSession, sessionOf } from './session-guard.ts';
import type { SessionStore } from './sessions.ts';

export interface CaseDeps {
  readonly pages: Pages;
  readonly sessions: SessionStore;
  readonly gateway: GatewayLink;
  readonly cases: PortalCases;
  readonly feed: CaseFeed;
  /** Each login's bound on open streams, ratings sent and reads (session-fairness.ts). */
  readonly fairness: SessionFairness;
  readonly labels: Labels;
  /** 项目所在地 by name (place-names.ts). */
  readonly places: PlaceNames;
  /** The rating's Idempotency-Key (case-rating.ts). */
  readonly keys: Pick<PortalKeys, 'ratingKey'>;
  /** How long a case may wait for its province before its page says so (delivery-wait.ts). */
  readonly deliveryNoticeMs: number;
}

const KEEP_ALIVE_MS = 15_000;

function notFound(res: Response, api: boolean): void {
  if (api) res.status(404).json({ code: 'PORTAL_CASE_NOT_FOUND', title: '办件不存在' });
  else res.status(404).type('text').send('办件不存在');
}

export function caseRoutes(deps: CaseDeps): Router {
  const router = Router();
  const page = requireSession(deps.sessions, 'page');
  const api = requireSession(deps.sessions, 'api');
  const mine = async (res: Response, caseId: string) =>
    (await deps.cases.of(sessionOf(res).account.login, caseId)) !== undefined;

  router.get('/cases/:caseId', page, async (req, res) => {
    const caseId = String(req.params.caseId);
    const { account, csrf } = sessionOf(res);
    const record = await deps.cases.of(account.login, caseId);
    if (!record) return notFound(res, false);
    // The project and its place, from what was sent (a record whose values cannot be opened: none).
    const project = (record.values?.project ?? {}) as Record<string, unknown>;
    const region = placeText(deps.places, project.region);
    res.type('html').send(
      deps.pages.render('case', {
        title: '办件进度',
        enterprise: account.applicant.name,
        csrf,
        caseId,
        place: region
          ? `<p class="case-place" id="case-place">项目所在地 ${escapeHtml(region)}</p>`
          : '',
      }),
    );
  });

  router.get('/api/cases/:caseId', api, deps.fairness.read, async (req, res) => {
    const caseId = String(req.params.caseId);
    if (!(await mine(res, caseId))) return notFound(res, true);
    const read = await deps.feed.readOrWhy(caseId);
    if (!('view' in read))
      res.status(502).json({ code: 'PORTAL_GATEWAY', title: '暂时无法读取办件' });
    else res.json(casePageView(read.view, read.rectification, deps.deliveryNoticeMs));
  });

  router.get('/api/cases/:caseId/stream', api, deps.fairness.stream, async (req, res) => {
    const caseId = String(req.params.caseId);
    if (!(await mine(res, caseId))) return notFound(res, true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store, no-transform',
      Connection: 'keep-alive',
    });
    // A HEAD has no body to stream: left open, it held its connection (and a watcher) forever.
    if (req.method === 'HEAD') return void res.end();
    const send = ({ view, rectification }: CaseRead) =>
      res.write(
        `event: case\ndata: ${JSON.stringify(casePageView(view, rectification, deps.deliveryNoticeMs))}\n\n`,
      );
    const stop = deps.feed.watch(caseId, send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const end = () => {
      clearInterval(keepAlive);
      stop();
    };
    req.on('close', end);
    // The page first sees the case as it is now; later views come with the callbacks.
    const now = await deps.feed.readOrWhy(caseId);
    if (res.writableEnded) return;
    if ('view' in now) send(now);
    else {
      // The stream says why and ends; the browser's EventSource opens it again after `retry` ms,
      // so the page shows the case by itself once the gateway answers again (a page left open
      // received nothing and said 读取中… for ever). The wait is the gateway's Retry-After, longer
      // while reads keep failing (gateway-backoff.ts), never a fixed 5 s for every open page.
      end();
      const data = JSON.stringify({ title: now.why, retryMs: now.retryMs });
      res.end(`retry: ${now.retryMs}\nevent: unreadable\ndata: ${data}\n\n`);
    }
  });

  router.get('/cases/:caseId/receipt', page, deps.fairness.pageRead, async (req, res) => {
    const caseId = String(req.params.caseId);
    if (!(await mine(res, caseId))) return notFound(res, false);
    const read = await deps.feed.readOrWhy(caseId);
    const { account, csrf } = sessionOf(res);
    // Said on a page of its own: sent back to the case page, the taxpayer who asked for the
    // receipt was not told why it did not come.
    if (!('view' in read)) {
      res
        .status(503)
        .set('Retry-After', String(Math.ceil(read.retryMs / 1000)))
        .type('html')
        .send(
          deps.pages.render('receipt-unreadable', {
            title: '电子缴款凭证',
            enterprise: account.applicant.name,
            csrf,
            caseId,
            why: read.why,
          }),
        );
      return;
    }
    const view = read.view;
    if (view.result?.outcome !== 'paid') {
      res.redirect(303, `/cases/${caseId}`);
      return;
    }
    res.type('html').send(
      deps.pages.render('receipt', {
        title: receiptTitle(view),
        enterprise: account.applicant.name,
        csrf,
        ...receiptValues(view, deps.labels, deps.places),
      }),
    );
  });

  // The rating and the re-rating: the case the session's own, the same form, the gateway's answer.
  const ratingRoute = (
    path: string,
    send: (caseId: string, form: RatingFields, login: string) => Promise<RatingAnswer>,
  ) =>
    router.post(
      path,
      api,
      deps.fairness.write,
      express.json({ limit: '8kb' }),
      async (req, res) => {
        const caseId = String(req.params.caseId);
        if (!(await mine(res, caseId))) return notFound(res, true);
        const form = ratingForm(req);
        if ('refused' in form) return void res.status(400).json(form.refused);
        const answer = await send(caseId, form, sessionOf(res).account.login);
        if (answer.retryAfter) res.set('Retry-After', answer.retryAfter);
        res.status(answer.status).json(answer.body);
      },
    );
  ratingRoute('/api/cases/:caseId/evaluation', (caseId, form, login) =>
    rateCase(deps, { login, caseId, ...form }),
  );
  ratingRoute('/api/cases/:caseId/re-rating', (caseId, form) =>
    reRateCase(deps, { caseId, ...form }),
  );
  return router;
}
