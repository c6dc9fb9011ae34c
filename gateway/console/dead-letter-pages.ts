// 死信 (dead letters) in the console (gateway/console/README.md#pages): one case's failure in detail
// (the list is dead-letter-list-page.ts), and its replay — behind a confirmation page, for
// operators holding `replay`, through the same use case as the operator API and CLI, audited.
// The failure reason and the timeline's notes (sealed at rest, opened here) are masked, as on the
// case page; operators holding `unmask` may show one case's in clear for one reading, giving a
// reason, audited as `dead-letter.read-unmasked` (shown once, by the GET its POST redirects to:
// unmask-once.ts).
import type { Request, Response, Router } from 'express';
import {
  replayDeadLetterAudited,
  shownFailureReason,
  type DeadLetterReader,
} from '../admin/dead-letters.ts';
import { auditedAction } from '../audit/operator-audit.ts';
import type { RoutedCase } from '../cases/case-record.ts';
import { unreadableNotes } from '../personal-data/sealed-text.ts';
import { locals } from '../http/request-context.ts';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError } from '../shared/errors.ts';
import {
  can,
  operatorOf,
  operatorRequest,
  sessionOf,
  type ConsoleDeps,
} from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { provinceName, statusBadge } from './console-labels.ts';
import { deadLetterListUrl } from './dead-letter-list-paging.ts';
import { listPlaceOf, placeQuery, type ListPlace } from './dead-letter-list-place.ts';
import { postForm } from './forms.ts';
import { html } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { provinceStateSection, readProvinceState } from './province-state.ts';
import { unmaskForm } from './unmask-form.ts';
import { unmaskNotice, unmaskOnce, unmaskStatus, type UnmaskedReading } from './unmask-once.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import { failureAdvice, failureKind, JOB_STATE_ZH } from './failure-kinds.ts';
import { gatewayNote } from './gateway-notes.ts';
import { shownTime } from './console-time.ts';
import { CASE_ID } from '../cases/case-id.ts';

/** The dead letter's page read unmasked, as the audit chain names it. */
const UNMASKED_READ = 'dead-letter.read-unmasked';

/** The console reads masked, but for the one audited unmasked reading of a dead letter's page. */
function reader(res: Response, unmasked = false): DeadLetterReader {
  return { unmasked, log: locals(res).log };
}

export function deadLetterPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { store, queues } = deps.services;
  const once = unmaskOnce(deps, UNMASKED_READ);

  async function deadLetter(caseId: string) {
    const record = CASE_ID.test(caseId) ? await store.get(caseId) : undefined;
    if (!record || record.kind === 'joint-parent')
      throw new ConsoleError(
        404,
        `没有办件 ${caseId.slice(0, 40)}`,
        `No case ${caseId.slice(0, 40)}`,
      );
    return record;
  }

  /** Where in the list the operator came from (dead-letter-list-place.ts). */
  const placeOf = (req: Request) => listPlaceOf(req.query, deps.services.routing.routes.adapters());

  /** One dead letter's page: masked, or unmasked for the reading whose reason is given. */
  async function sendDeadLetter(
    res: Response,
    record: RoutedCase,
    place: ListPlace,
    unmaskedReason?: string,
    reading?: UnmaskedReading,
  ) {
    const here = placeQuery(place);
    const shown = reader(res, unmaskedReason !== undefined);
    const history = await store.history(record.id, record);
    // A sealed note that does not open reads as a placeholder; the log says where and why.
    for (const note of unreadableNotes(history)) {
      shown.log.warn({ caseId: record.id, ...note }, 'history note unreadable');
    }
    const note = (text: string) => gatewayNote(shown.unmasked ? text : maskFreeText(text));
    const job = await queues.queue(record.route.adapter).getJob(record.id);
    const failed = record.status === 'DELIVERY_FAILED';
    const reason = shownFailureReason(store, record, shown);
    const jobState = job ? await job.getState() : undefined;
    const state = failed
      ? await readProvinceState(deps.services, record.route.adapter, record.route.targetRegion)
      : undefined;
    const replay =
      failed && can(res, 'replay')
        ? html`<div class="actions">
            <a
              href="/console/dead-letters/${record.id}/replay${here}"
              id="replay-start"
              class="button"
              >重放 <span class="en">Replay…</span></a
            >
          </div>`
        : '';
    const form =
      unmaskedReason === undefined
        ? unmaskForm(res, `/console/dead-letters/${record.id}/unmask${here}`, {
            heading: ['查看失败原因原文', 'Unmask the failure'],
            button: '查看原文',
          })
        : '';
    const banner =
      unmaskedReason === undefined
        ? ''
        : html`<p class="notice warn" id="unmasked-banner">
            失败原因已显示原文，本次查看已记入审计（理由：${unmaskedReason}）
            <span class="en">Shown unmasked; this reading is audited.</span>
          </p>`;
    sendPage(
      res,
      page(res, {
        title: `死信 ${record.id}`,
        en: unmaskedReason === undefined ? 'Dead letter' : 'Dead letter (unmasked)',
        active: 'dead-letters',
        body: html`<p class="muted">
            <a href="${deadLetterListUrl(place)}" id="back-to-list"
              >‹ ${label('返回死信列表', 'Back to the dead letters')}</a
            >
          </p>
          ${unmaskNotice(res, reading)} ${banner}
          <section class="card" id="dead-letter">
            <dl class="facts">
              <dt>办件 <span class="en">Case</span></dt>
              <dd><a href="/console/cases/${record.id}">${record.id}</a></dd>
              <dt>状态 <span class="en">Status</span></dt>
              <dd>${statusBadge(record.status)}</dd>
              <dt>事项 <span class="en">Item</span></dt>
              <dd id="dead-letter-item">
                ${record.itemCode}
                ${deps.services.registry.item(record.itemCode, record.itemVersion)?.name ?? ''}
              </dd>
              <dt>通道 <span class="en">Adapter</span></dt>
              <dd>
                ${record.route.adapter} · ${provinceName(record.route.targetRegion.slice(0, 2))}
                ${record.route.targetRegion}
              </dd>
              <dt>失败原因 <span class="en">Failure</span></dt>
              <dd id="failure-reason">${reason === undefined ? '—' : gatewayNote(reason)}</dd>
              <dt>队列任务 <span class="en">Job</span></dt>
              <dd id="job-state">
                ${job && jobState ? html`${JOB_STATE_ZH[jobState] ?? jobState} <span class="en">${jobState}</span> · ${job.attemptsMade} 次尝试 <span class="en">attempts</span>${job.failedReason ? html` · ${note(job.failedReason)}` : ''}` : '—'}
              </dd>
              ${
                can(res, 'audit:read')
                  ? html`<dt>审计 <span class="en">Audit</span></dt>
                      <dd>
                        <a id="dead-letter-audit" href="/console/audit?target=${record.id}"
                          >${label('本办件的操作记录', 'Who did what to this case')}</a
                        >
                      </dd>`
                  : ''
              }
            </dl>
            ${state ? provinceStateSection(state, deps.services.now().getTime()) : ''}
            ${failed ? html`${failureAdvice(failureKind(reason))}${replay}` : html`<p class="notice ok">此办件已不在死信中 <span class="en">No longer a dead letter</span></p>`}
          </section>
          <section class="card">
            <h2>${label('办理过程', 'Timeline')}</h2>
            <ol class="timeline">
              ${history.map((h) => html`<li>${statusBadge(h.status)} <span class="muted">${shownTime(h.at)} ${h.actor ?? ''} ${h.note === undefined ? '' : note(h.note)}</span></li>`)}
            </ol>
          </section>
          ${form}`,
      }),
      unmaskStatus(reading),
    );
  }

  // Masked, or unmasked once for the reading the unmask form asked for (unmask-once.ts), audited
  // as `dead-letter.read-unmasked` with its reason before the page is drawn.
  router.get('/dead-letters/:caseId', async (req, res) => {
    const caseId = String(req.params.caseId);
    const reading = CASE_ID.test(caseId)
      ? await once.take(req, res, { path: `/console/dead-letters/${caseId}`, target: caseId })
      : undefined;
    if (typeof reading !== 'object' || !('reason' in reading)) {
      await sendDeadLetter(res, await deadLetter(caseId), placeOf(req), undefined, reading);
      return;
    }
    const record = await auditedAction(
      deps.services.audit,
      operatorRequest(res),
      {
        action: UNMASKED_READ,
        target: caseId.slice(0, 64),
        right: 'unmask',
        reason: reading.reason,
      },
      () => deadLetter(caseId),
    );
    await sendDeadLetter(res, record, placeOf(req), reading.reason);
  });

  // The right and the reason checked (a missing right refused and audited: unmask-once.ts), then
  // to the page, which shows it once.
  router.post('/dead-letters/:caseId/unmask', async (req, res) => {
    const caseId = String(req.params.caseId);
    const reason = await once.reason(req, res, caseId);
    await deadLetter(caseId); // one that is not there is a 404 here
    await once.redirect(res, `/console/dead-letters/${caseId}`, reason, placeQuery(placeOf(req)));
  });

  router.get(
    '/dead-letters/:caseId/replay',
    requireRight(deps, 'replay', 'dead-letter.replay'),
    async (req, res) => {
      const record = await deadLetter(String(req.params.caseId));
      const here = placeQuery(placeOf(req));
      const reason = shownFailureReason(store, record, reader(res));
      // Is the province back? Its breaker, its deliveries waiting to retry, its last outcomes.
      const state = await readProvinceState(
        deps.services,
        record.route.adapter,
        record.route.targetRegion,
      );
      sendPage(
        res,
        page(res, {
          title: '确认重放',
          en: 'Confirm replay',
          active: 'dead-letters',
          body: postForm(
            sessionOf(res),
            `/console/dead-letters/${record.id}/replay${here}`,
            // What to make sure of depends on the kind (the advice below): "has the province
            // recovered" was said of every kind, and of a refusal it is the wrong question.
            html`<p>
                将办件 <code>${record.id}</code>（${record.itemCode}）重新送往
                <strong
                  >${provinceName(record.route.targetRegion.slice(0, 2))}（${
                    record.route.adapter
                  }）</strong
                >。重放前请按下方的失败原因和处理建议核对。
                <span class="en"
                  >Queue case ${record.id} for delivery to ${record.route.adapter} again. First
                  check what the failure below asks you to check.</span
                >
              </p>
              <p class="muted">
                上次失败原因 <span class="en">Last failure</span>:
                ${reason === undefined ? '—' : gatewayNote(reason)}
              </p>
              ${failureAdvice(failureKind(reason))}
              ${provinceStateSection(state, deps.services.now().getTime())}
              <div class="actions">
                <button type="submit" class="danger" id="replay-confirm">
                  确认重放 <span class="en">Replay</span>
                </button>
                <a href="/console/dead-letters/${record.id}${here}"
                  >取消 <span class="en">Cancel</span></a
                >
              </div>`,
            { id: 'replay-form', className: 'card' },
          ),
        }),
      );
    },
  );

  // replayDeadLetterAudited checks the replay right and audits the attempt, whatever its end.
  router.post('/dead-letters/:caseId/replay', async (req, res) => {
    const caseId = String(req.params.caseId);
    try {
      await replayDeadLetterAudited(deps.services, {
        caseId,
        operator: operatorOf(res),
        requestId: locals(res).requestId,
      });
    } catch (error) {
      if (isGatewayError(error) && error.code === 'GW_ILLEGAL_TRANSITION')
        throw new ConsoleError(409, '此办件已不在死信中', 'This case is no longer a dead letter');
      throw error;
    }
    // Back to the list as the operator left it (built, never taken from the request).
    res.redirect(303, deadLetterListUrl({ ...placeOf(req), replayed: caseId }));
  });
  return router;
}
