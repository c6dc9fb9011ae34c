// One 差评 rectification in the console (gateway/console/README.md#pages): its case, rated party
// and province, the 差评's level and comment, status, deadlines and 督办 flags, and its timeline
// with the clerks' notes — read through readRectification as GET /v1/rectifications/{id} reads it,
// masked as the API masks it for an operator without `unmask`. Operators holding `unmask` may show
// the comment and notes in clear for one reading, giving a reason, audited as the API's unmasked
// read is (readRectificationUnmasked; answered once: the view has no URL of its own). An appealed
// one carries the 申诉复核 form for operators holding `appeal`; the decision runs
// decideAppealAudited, the use case of POST /v1/rectifications/{id}/appeal-decision, audited.
import type { Response, Router } from 'express';
import { requireOperatorRight } from '../audit/operator-audit.ts';
import type { FieldProblem } from '../shared/errors.ts';
import { locals } from '../http/request-context.ts';
import { gatewayRouter } from '../http/router.ts';
import { decideAppealAudited } from '../rectifications/rectification-actions.ts';
import { RECTIFICATION_ID } from '../rectifications/rectification-record.ts';
import {
  readRectification,
  readRectificationUnmasked,
  type RectificationDetail,
  UNMASKED_READ,
} from '../rectifications/read-rectification.ts';
import { isGatewayError } from '../shared/errors.ts';
import { appealDecisionForm, appealDecisionReader } from './appeal-decision-form.ts';
import {
  can,
  maskedReader,
  operatorOf,
  operatorRequest,
  sessionOf,
  type ConsoleDeps,
} from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import {
  flagBadges,
  LEVEL_ZH,
  provinceName,
  RATED_ZH,
  RECTIFICATION_STATUS_ZH,
  rectificationBadge,
} from './console-labels.ts';
import { queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { unmaskForm } from './unmask-form.ts';
import {
  unmaskedReading,
  unmaskNotice,
  unmaskOnce,
  unmaskStatus,
  type UnmaskedReading,
} from './unmask-once.ts';
import { shownTime } from './console-time.ts';
import { gatewayNote } from './gateway-notes.ts';

/** A rectification's console page. */
export const rectificationHref = (id: string) => `/console/board/rectifications/${id}`;

function notFound(id: string): ConsoleError {
  return new ConsoleError(
    404,
    `没有整改 ${id.slice(0, 40)}`,
    `No rectification ${id.slice(0, 40)}`,
  );
}

/** Masked, or unmasked for the one audited reading whose reason is given. */
async function load(
  deps: ConsoleDeps,
  res: Response,
  id: string,
  unmask?: { reason: string },
): Promise<RectificationDetail> {
  if (!RECTIFICATION_ID.test(id)) throw notFound(id);
  const { log } = locals(res);
  try {
    return unmask
      ? await readRectificationUnmasked(
          deps.services,
          { ...operatorRequest(res), operator: operatorOf(res), reason: unmask.reason, log },
          id,
        )
      : await readRectification(deps.services, maskedReader(operatorOf(res)), id, log);
  } catch (error) {
    if (isGatewayError(error) && error.code === 'GW_RECTIFICATION_NOT_FOUND') throw notFound(id);
    throw error;
  }
}

/** What the redirect after a decision says (`?decided=`). */
const DECIDED: Readonly<Record<string, [string, string]>> = {
  upheld: ['已裁决：申诉成立，差评作废', 'Decided: appeal upheld, the 差评 is voided'],
  rejected: [
    '已裁决：申诉不成立，继续整改，期限已顺延复核天数',
    'Decided: appeal rejected, the rectification goes on with its deadlines moved',
  ],
  repeat: [
    '同样的裁决此前已记录，未重复执行',
    'The same decision had already been recorded; nothing was done again',
  ],
};

interface Refused {
  typed: { decision: string; note: string };
  problems: FieldProblem[];
}

function decisionSection(res: Response, r: RectificationDetail, refused?: Refused): HtmlValue {
  if (r.status !== 'APPEALED') return '';
  if (!can(res, 'appeal')) {
    return html`<p class="notice warn" id="appeal-pending">
      申诉待复核，需 appeal 权限的操作员裁决
      <span class="en">Appealed: an operator holding the appeal right decides it.</span>
    </p>`;
  }
  return appealDecisionForm(sessionOf(res), r.rectificationId, refused);
}

function facts(res: Response, deps: ConsoleDeps, r: RectificationDetail): HtmlValue {
  const itemName = deps.services.registry.item(r.itemCode)?.name;
  const evaluation = r.evaluation;
  return html`<section class="card" id="rectification-facts">
    <h2>${label('概况', 'Summary')}</h2>
    <dl class="facts">
      <dt>整改编号 <span class="en">Rectification</span></dt>
      <dd><code>${r.rectificationId}</code></dd>
      <dt>办件 <span class="en">Case</span></dt>
      <dd>
        <a id="rectification-case" href="/console/cases/${r.caseId}"><code>${r.caseId}</code></a>
      </dd>
      <dt>事项 <span class="en">Item</span></dt>
      <dd><code>${r.itemCode}</code>${itemName ? html` ${itemName}` : ''}</dd>
      <dt>被评价方 <span class="en">Rated party</span></dt>
      <dd id="rectification-rated">
        ${RATED_ZH[r.rated] ?? r.rated} <span class="en">${r.rated}</span> ·
        ${provinceName(r.province)} <span class="en">${r.province}</span>
      </dd>
      <dt>差评 <span class="en">Rating</span></dt>
      <dd id="rectification-level">
        ${r.level}
        ${LEVEL_ZH[r.level] ?? ''}${evaluation ? html` · ${shownTime(evaluation.at)}` : ''}
      </dd>
      <dt>评价意见 <span class="en">Comment</span></dt>
      <dd id="rectification-comment">
        ${evaluation?.comment ?? html`<span class="muted">—</span>`}
      </dd>
      <dt>状态 <span class="en">Status</span></dt>
      <dd id="rectification-status">${rectificationBadge(r.status)}</dd>
      <dt>开始 <span class="en">Opened</span></dt>
      <dd>${shownTime(r.openedAt)}</dd>
      <dt>回访期限 <span class="en">Visit due</span></dt>
      <dd id="rectification-visit-due">
        ${shownTime(r.visitDueAt)}${'visitedAt' in r && r.visitedAt ? html` · 已回访 ${shownTime(r.visitedAt)} <span class="en">visited</span>` : ''}
      </dd>
      <dt>整改期限 <span class="en">Due</span></dt>
      <dd id="rectification-due">
        ${shownTime(r.dueAt)}${r.calendarAssumed ? html` <span class="badge warn">日历推定 <span class="en">calendar assumed</span></span>` : ''}
      </dd>
      <dt>督办 <span class="en">Flags</span></dt>
      <dd id="rectification-flags">${flagBadges(r.flags)}</dd>
      ${reRatingFacts(r)}
      ${
        can(res, 'audit:read')
          ? html`<dt>审计 <span class="en">Audit</span></dt>
              <dd>
                <a id="rectification-audit" href="/console/audit?target=${r.rectificationId}"
                  >${label('本整改的操作记录', 'Who did what to this rectification')}</a
                >
              </dd>`
          : ''
      }
    </dl>
  </section>`;
}

/**
 * The re-rating that closed it (marked when the gateway recorded it by default), or, while the
 * portal's is awaited, when its window ends: not re-rated by then, 基本满意 by default
 * (gateway/rectifications/default-re-ratings.ts).
 */
function reRatingFacts(r: RectificationDetail): HtmlValue | string {
  if ('reRating' in r && r.reRating) {
    const byDefault = r.reRating.source === 'default';
    return html`<dt>复评 <span class="en">Re-rating</span></dt>
      <dd id="rectification-re-rating" data-source="${r.reRating.source}">
        ${r.reRating.level} ${LEVEL_ZH[r.reRating.level] ?? ''} ·
        ${shownTime(r.reRating.at)}${r.reRating.comment ? html` · ${r.reRating.comment}` : ''}
        ${byDefault ? html` <span class="badge">默认 <span class="en">by default</span></span>` : ''}
      </dd>`;
  }
  if ((r.status === 'RECTIFIED' || r.status === 'EXPLAINED') && 'reRatingDueAt' in r) {
    return html`<dt>复评期限 <span class="en">Re-rating due</span></dt>
      <dd id="rectification-re-rating-due">
        ${shownTime(r.reRatingDueAt)} ·
        ${label('逾期未复评则默认基本满意并结束', 'not re-rated by then: 基本满意 by default, closed')}
      </dd>`;
  }
  return '';
}

function timeline(r: RectificationDetail): HtmlValue {
  return html`<section class="card" id="rectification-history">
    <h2>${label('整改过程', 'Timeline')}</h2>
    <ol class="timeline">
      ${r.history.map(
        (h) =>
          html`<li data-step="${h.status}">
            <div>${rectificationBadge(h.status)} <span class="muted">${shownTime(h.at)}</span></div>
            <div class="muted">${h.actor}${h.note ? html` · ${gatewayNote(h.note)}` : ''}</div>
          </li>`,
      )}
    </ol>
  </section>`;
}

function rectificationPage(
  res: Response,
  deps: ConsoleDeps,
  r: RectificationDetail,
  options: {
    decided?: string;
    refused?: Refused;
    unmaskedReason?: string;
    reading?: UnmaskedReading;
  } = {},
) {
  const decided = options.decided ? DECIDED[options.decided] : undefined;
  const unmasked = options.unmaskedReason !== undefined;
  return page(res, {
    title: `整改 ${r.rectificationId}`,
    en: unmasked ? 'Rectification (unmasked)' : 'Rectification',
    active: 'board',
    body: html`<p class="muted">
        <a href="/console/board/rectifications" id="back-to-list"
          >${label('返回整改列表', 'Back to the rectifications')}</a
        >
        ·
        <a
          href="/console/board/notices?${new URLSearchParams({ province: r.province }).toString()}"
          id="province-notices"
          >${label(`${provinceName(r.province)}的督办通知`, "The province's notices")}</a
        >
      </p>
      ${decided ? html`<p class="notice ok" id="decided">${decided[0]} <span class="en">${decided[1]}</span></p>` : ''}
      ${unmaskNotice(res, options.reading)}
      ${
        unmasked
          ? html`<p class="notice warn" id="unmasked-banner">
              评价意见与处理说明已显示原文，本次查看已记入审计（理由：${options.unmaskedReason}）
              <span class="en"
                >The comment and the notes are shown unmasked; this reading is audited.</span
              >
            </p>`
          : html`<p class="notice ok" id="masked-banner">
              评价意见与处理说明中的个人信息已脱敏
              <span class="en">Personal data in the comment and the notes is masked.</span>
            </p>`
      }
      <div class="grid">${facts(res, deps, r)} ${timeline(r)}</div>
      ${decisionSection(res, r, options.refused)}
      ${
        unmasked
          ? ''
          : unmaskForm(res, `${rectificationHref(r.rectificationId)}/unmask`, {
              heading: ['查看评价意见与处理说明原文', 'Unmask the comment and the notes'],
              button: '查看原文',
            })
      }`,
  });
}

export function rectificationPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const once = unmaskOnce(deps, UNMASKED_READ);
  const readDecision = appealDecisionReader();

  // Masked, or unmasked once for the reading the unmask form asked for (unmask-once.ts).
  router.get('/board/rectifications/:rectificationId', async (req, res) => {
    const id = String(req.params.rectificationId);
    const reading = RECTIFICATION_ID.test(id)
      ? await once.take(req, res, { path: rectificationHref(id), target: id })
      : undefined;
    const unmask = unmaskedReading(reading);
    const r = await load(deps, res, id, unmask);
    const decided = queryText(req.query, 'decided', 20);
    sendPage(
      res,
      rectificationPage(res, deps, r, {
        decided,
        ...(unmask ? { unmaskedReason: unmask.reason } : {}),
        reading,
      }),
      unmaskStatus(reading),
    );
  });

  // The right and the reason checked (a missing right refused and audited: unmask-once.ts), then
  // to the page, which shows it once (readRectificationUnmasked audits the reading there).
  router.post('/board/rectifications/:rectificationId/unmask', async (req, res) => {
    const id = String(req.params.rectificationId);
    const reason = await once.reason(req, res, id);
    await load(deps, res, id); // masked: a rectification that is not there is a 404 here
    await once.redirect(res, rectificationHref(id), reason);
  });

  router.post('/board/rectifications/:rectificationId/appeal-decision', async (req, res) => {
    const id = String(req.params.rectificationId);
    // Refused (403) and audited before the form is even read: the button was not shown.
    await requireOperatorRight(deps.services.audit, operatorRequest(res), {
      action: 'rectification.appeal-decision',
      target: id.slice(0, 64),
      right: 'appeal',
    });
    const input = readDecision(req.body);
    if (!input.ok) {
      // The form again with what was typed and the fields named, unless it is no longer appealed.
      const r = await load(deps, res, id);
      if (r.status !== 'APPEALED') throw noLongerAppealed(id, r.status);
      sendPage(res, rectificationPage(res, deps, r, { refused: input }), 400);
      return;
    }
    let decided;
    try {
      decided = await decideAppealAudited(deps.services, {
        ...operatorRequest(res),
        operator: operatorOf(res),
        rectificationId: id,
        body: input.body,
      });
    } catch (error) {
      if (isGatewayError(error) && error.code === 'GW_RECTIFICATION_NOT_FOUND') throw notFound(id);
      if (isGatewayError(error) && error.code === 'GW_ILLEGAL_TRANSITION') {
        throw noLongerAppealed(id, (await load(deps, res, id)).status);
      }
      throw error;
    }
    const { duplicate } = decided.body as { duplicate: boolean };
    res.redirect(
      303,
      `${rectificationHref(id)}?decided=${duplicate ? 'repeat' : input.body.decision}`,
    );
  });
  return router;
}

/** Decided meanwhile (another operator, another tab) or never appealed: say so, change nothing. */
function noLongerAppealed(id: string, status: string): ConsoleError {
  return new ConsoleError(
    409,
    `整改 ${id} 已不在申诉中（当前状态：${RECTIFICATION_STATUS_ZH[status] ?? status} ${status}），可能已由其他操作员裁决；本次未作任何更改`,
    `Rectification ${id} is no longer appealed (now ${status}), perhaps decided by another operator; nothing was changed`,
  );
}
