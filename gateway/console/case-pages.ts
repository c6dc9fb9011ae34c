// 办件 (cases) in the console (gateway/console/README.md#pages): look a case up by id and read its
// timeline — history, route, 督办 flags, due time, result — with personal fields masked, as the
// case API shows it to an operator without the unmask right. Operators holding `unmask` may show
// the personal fields for one reading, giving a reason; that reading is audited under their id and
// shown once, by the GET the form's POST redirects to (unmask-once.ts: a reload shows it masked).
import type { Response, Router } from 'express';
import { readCaseAudited, UNMASKED_READ } from '../cases/read-case-audited.ts';
import type { CaseViewPart } from '../cases/read-case.ts';
import { evaluationsPart } from '../evaluations/evaluation-view.ts';
import { locals } from '../http/request-context.ts';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError } from '../shared/errors.ts';
import { can, operatorOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { MODE_ZH } from './catalogue-labels.ts';
import { flagBadges, provinceName, RATED_ZH, statusBadge } from './console-labels.ts';
import { queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { rectificationHref } from './rectification-pages.ts';
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

const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}(-[0-9]{1,2})?$/;
/** A province's case number (受理编号), as province events carry it (cases/case-event.ts). */
const PROVINCE_CASE_NO = /^[0-9A-Za-z_-]{1,64}$/;

interface RouteView {
  adapter?: string;
  targetRegion?: string;
}

interface CaseView {
  caseId: string;
  status: string;
  phase: { zh: string };
  itemCode: string;
  itemVersion: number;
  /** The console's own addition: the item's Chinese name from the published catalogue. */
  itemName?: string;
  mode: string;
  receivingRegion: string;
  route: RouteView & {
    children?: (RouteView & { caseId: string; role: string; status: string })[];
  };
  parentId?: string;
  provinceCaseNo: string | null;
  dueAt?: string;
  flags: Record<string, boolean>;
  calendarAssumed: boolean;
  evaluations?: unknown;
  result: unknown;
  relatedCases: { caseId: string; relation: string }[];
  createdAt: string;
  updatedAt: string;
  submission: unknown;
  history: { at: string; status: string; actor?: string; note?: string }[];
}

/** The case through the audited use case the API uses: masked, or unmasked with a reason. */
async function loadView(
  deps: ConsoleDeps,
  parts: readonly CaseViewPart[],
  res: Response,
  caseId: string,
  unmask?: { reason: string },
): Promise<CaseView> {
  if (!CASE_ID.test(caseId)) throw notFound(caseId);
  const { store, registry, audit } = deps.services;
  try {
    const view = await readCaseAudited(
      { store, registry, caseViewParts: parts, audit },
      {
        caseId,
        operator: operatorOf(res),
        requestId: locals(res).requestId,
        log: locals(res).log,
        unmask: unmask !== undefined,
        ...(unmask ? { reason: unmask.reason } : {}),
      },
    );
    const shown = view as unknown as CaseView;
    return { ...shown, itemName: registry.item(shown.itemCode, shown.itemVersion)?.name };
  } catch (error) {
    if (isGatewayError(error) && error.code === 'GW_CASE_NOT_FOUND') throw notFound(caseId);
    throw error;
  }
}

function notFound(caseId: string): ConsoleError {
  return new ConsoleError(404, `没有办件 ${caseId.slice(0, 40)}`, `No case ${caseId.slice(0, 40)}`);
}

function json(value: unknown): HtmlValue {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}

function lookupForm(caseId = ''): HtmlValue {
  return html`<form method="get" action="/console/cases" class="card filters" id="case-lookup">
    <div>
      <label for="case-id"
        >办件编号或省级受理编号
        <span class="en">Case id, or the province's case number</span></label
      >
      <input
        id="case-id"
        name="caseId"
        value="${caseId}"
        maxlength="64"
        placeholder="01J… / YN-2026-…"
        required
      />
    </div>
    <button type="submit" class="primary">查询 <span class="en">Look up</span></button>
  </form>`;
}

function routeFacts(route: CaseView['route']): HtmlValue {
  if (route.children) {
    return html`<ul>
      ${route.children.map(
        (c) =>
          html`<li>
            <a href="/console/cases/${c.caseId}">${c.caseId}</a>
            ${c.role} ${statusBadge(c.status)} → ${c.adapter ?? ''}
          </li>`,
      )}
    </ul>`;
  }
  const region = route.targetRegion ?? '';
  return html`${route.adapter ?? '—'}
  ${region ? html`· ${provinceName(region.slice(0, 2))} ${region}` : ''}`;
}

/** The case's 差评 rectifications (one per rated party), each linking to its page. */
function rectificationLinks(view: CaseView): HtmlValue {
  const rated = Array.isArray(view.evaluations)
    ? (view.evaluations as { rated?: string; rectificationId?: string | null }[])
    : [];
  const links = rated.flatMap((e) =>
    e.rectificationId
      ? [
          html`<li>
            <a href="${rectificationHref(e.rectificationId)}" data-rectification-link
              ><code>${e.rectificationId}</code></a
            >
            ${RATED_ZH[e.rated ?? ''] ?? e.rated ?? ''}
          </li>`,
        ]
      : [],
  );
  if (links.length === 0) return '';
  return html`<dt>差评整改 <span class="en">Rectification</span></dt>
    <dd id="case-rectifications">
      <ul>
        ${links}
      </ul>
    </dd>`;
}

function caseBody(
  res: Response,
  view: CaseView,
  unmaskedReason?: string,
  reading?: UnmaskedReading,
): HtmlValue {
  const form = unmaskedReason
    ? ''
    : unmaskForm(res, `/console/cases/${view.caseId}/unmask`, {
        heading: ['查看个人信息', 'Unmask personal data'],
        button: '查看个人信息',
      });
  const banner = unmaskedReason
    ? html`<p class="notice warn" id="unmasked-banner">
        个人信息已显示，本次查看已记入审计（理由：${unmaskedReason}）
        <span class="en">Personal data shown; this reading is audited.</span>
      </p>`
    : html`<p class="notice ok" id="masked-banner">
        个人信息已脱敏 <span class="en">Personal fields are masked.</span>
      </p>`;
  const related = view.relatedCases.map(
    (r) => html`<li>${r.relation} <a href="/console/cases/${r.caseId}">${r.caseId}</a></li>`,
  );
  return html`${lookupForm(view.caseId)} ${unmaskNotice(res, reading)} ${banner}
    <div class="grid">
      <section class="card" id="case-facts">
        <h2>${label('概况', 'Summary')}</h2>
        <dl class="facts">
          <dt>办件编号 <span class="en">Case</span></dt>
          <dd><code id="case-id-shown">${view.caseId}</code></dd>
          <dt>状态 <span class="en">Status</span></dt>
          <dd id="case-status">${statusBadge(view.status)} ${view.phase.zh}</dd>
          <dt>事项 <span class="en">Item</span></dt>
          <dd id="case-item">
            ${view.itemCode} v${view.itemVersion}${view.itemName ? html` ${view.itemName}` : ''} ·
            ${MODE_ZH[view.mode] ?? view.mode} <span class="en">${view.mode}</span>
          </dd>
          <dt>收件地 <span class="en">Received in</span></dt>
          <dd>${provinceName(view.receivingRegion.slice(0, 2))} ${view.receivingRegion}</dd>
          <dt>流转 <span class="en">Route</span></dt>
          <dd id="case-route">${routeFacts(view.route)}</dd>
          ${
            view.parentId
              ? html`<dt>联办主件 <span class="en">Joint parent</span></dt>
                  <dd><a href="/console/cases/${view.parentId}">${view.parentId}</a></dd>`
              : ''
          }
          <dt>省内编号 <span class="en">Province case no.</span></dt>
          <dd>${view.provinceCaseNo ?? '—'}</dd>
          <dt>办结时限 <span class="en">Due</span></dt>
          <dd id="case-due">
            ${shownTime(view.dueAt)}${view.calendarAssumed ? html` <span class="badge warn">日历推定 <span class="en">calendar assumed</span></span>` : ''}
          </dd>
          <dt>督办 <span class="en">Flags</span></dt>
          <dd id="case-flags">${flagBadges(view.flags)}</dd>
          ${rectificationLinks(view)}
          <dt>提交 <span class="en">Created</span></dt>
          <dd>${shownTime(view.createdAt)}</dd>
          <dt>更新 <span class="en">Updated</span></dt>
          <dd>${shownTime(view.updatedAt)}</dd>
          ${
            can(res, 'audit:read')
              ? html`<dt>审计 <span class="en">Audit</span></dt>
                  <dd>
                    <a id="case-audit" href="/console/audit?target=${view.caseId}"
                      >${label('本办件的操作记录', 'Who did what to this case')}</a
                    >
                  </dd>`
              : ''
          }
          ${
            related.length
              ? html`<dt>关联 <span class="en">Related</span></dt>
                  <dd>
                    <ul>
                      ${related}
                    </ul>
                  </dd>`
              : ''
          }
        </dl>
      </section>
      <section class="card" id="case-history">
        <h2>${label('办理过程', 'Timeline')}</h2>
        <ol class="timeline">
          ${view.history.map(
            (h) =>
              html`<li>
                <div>${statusBadge(h.status)} <span class="muted">${shownTime(h.at)}</span></div>
                <div class="muted">
                  ${h.actor ?? ''}${h.note ? html` · ${gatewayNote(h.note)}` : ''}
                </div>
              </li>`,
          )}
        </ol>
      </section>
    </div>
    <section class="card" id="case-result">
      <h2>${label('办理结果', 'Result')}</h2>
      ${view.result === null ? html`<p class="muted">尚无结果 <span class="en">No result yet</span></p>` : json(view.result)}
    </section>
    ${
      Array.isArray(view.evaluations) && view.evaluations.length > 0
        ? html`<section class="card" id="case-evaluations">
            <h2>${label('好差评', 'Evaluations')}</h2>
            ${json(view.evaluations)}
          </section>`
        : ''
    }
    <section class="card" id="case-submission">
      <h2>${label('申报内容', 'Submission')}</h2>
      ${json(view.submission)}
    </section>
    ${form}`;
}

export function casePages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const parts = [evaluationsPart(deps.services.evaluations)];
  const once = unmaskOnce(deps, UNMASKED_READ);

  // A case id goes straight to its page; anything else is looked up as a province's case number
  // (the number a citizen reads from the province's notice): one case → its page, several (two
  // platforms issued the same number) → a list to choose from, none → 404.
  router.get('/cases', async (req, res) => {
    const asked = queryText(req.query, 'caseId', 64).trim();
    if (!asked) {
      sendPage(res, page(res, { title: '办件', en: 'Cases', active: 'cases', body: lookupForm() }));
      return;
    }
    if (CASE_ID.test(asked.toUpperCase())) {
      res.redirect(303, `/console/cases/${asked.toUpperCase()}`);
      return;
    }
    if (!PROVINCE_CASE_NO.test(asked)) throw notFound(asked);
    const found = await deps.services.store.findByProvinceCaseNo(asked);
    if (found.length === 0) {
      throw new ConsoleError(
        404,
        `没有办件编号或省级受理编号为 ${asked} 的办件`,
        `No case with the id or province case number ${asked}`,
      );
    }
    if (found.length === 1) {
      res.redirect(303, `/console/cases/${found[0]!.id}`);
      return;
    }
    sendPage(
      res,
      page(res, {
        title: '办件',
        en: 'Cases',
        active: 'cases',
        body: html`${lookupForm(asked)}
          <section class="card" id="province-case-matches">
            <h2>
              ${label(`省级受理编号 ${asked} 对应的办件`, `Cases holding the province case number ${asked}`)}
            </h2>
            <ul>
              ${found.map(
                (record) =>
                  html`<li>
                    <a href="/console/cases/${record.id}">${record.id}</a>
                    ${statusBadge(record.status)}
                    ${record.kind === 'joint-parent' ? '' : record.route.adapter}
                  </li>`,
              )}
            </ul>
          </section>`,
      }),
    );
  });

  // Masked, or unmasked once for the reading the unmask form asked for (unmask-once.ts).
  router.get('/cases/:caseId', async (req, res) => {
    const caseId = String(req.params.caseId);
    const reading = CASE_ID.test(caseId)
      ? await once.take(req, res, { path: `/console/cases/${caseId}`, target: caseId })
      : undefined;
    const unmask = unmaskedReading(reading);
    const view = await loadView(deps, parts, res, caseId, unmask);
    sendPage(
      res,
      page(res, {
        title: `办件 ${view.caseId}`,
        en: unmask ? 'Case (unmasked)' : 'Case',
        active: 'cases',
        body: caseBody(res, view, unmask?.reason, reading),
      }),
      unmaskStatus(reading),
    );
  });

  // The right and the reason checked (a missing right refused and audited: unmask-once.ts), then
  // to the page, which shows it once (readCaseAudited audits the reading there).
  router.post('/cases/:caseId/unmask', async (req, res) => {
    const caseId = String(req.params.caseId);
    const reason = await once.reason(req, res, caseId);
    await loadView(deps, parts, res, caseId); // masked: a case that is not there is a 404 here
    await once.redirect(res, `/console/cases/${caseId}`, reason);
  });
  return router;
}
