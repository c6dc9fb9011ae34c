// 督办 board in the console (gateway/console/README.md#pages): how many cases and rectifications
// are open, warned, overdue or escalated, by province and by item, read from the board's gauges
// (gateway/supervision); every number links to the list of the subjects it counts. Then the 差评
// rectifications with their visit and rectification deadlines, as the operator API lists them.
// Every table stacks its rows at phone width (console.css, table.stacked): a cell that needs its
// column's name there says it in data-label.
import type { Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { listRectifications } from '../rectifications/rectification-list.ts';
import { RECTIFICATION_STATUSES } from '../rectifications/rectification-lifecycle.ts';
import type { RectificationQuery } from '../rectifications/rectification-bodies.ts';
import type { SubjectKind } from '../shared/redis-keys.ts';
import { GAUGE_STATES, type GaugeState } from '../supervision/supervision-board.ts';
import { supervisionStats } from '../supervision/supervision-stats.ts';
import { maskedReader, operatorOf, type ConsoleDeps } from './console-context.ts';
import {
  flagBadges,
  LEVEL_ZH,
  provinceName,
  RATED_ZH,
  RECTIFICATION_STATUS_ZH,
  STATE_ZH,
} from './console-labels.ts';
import { groupCounts, groupFilter } from './board-groups.ts';
import { listCursor, listPlace } from './board-list-cursor.ts';
import { filterSelect, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { rectificationHref } from './rectification-pages.ts';
import { shownTime } from './console-time.ts';

/** Subjects a 督办 list page shows. */
const LIST_LIMIT = 200;
const KIND_ZH: Record<SubjectKind, [string, string]> = {
  case: ['办件', 'Cases'],
  rectification: ['整改', 'Rectifications'],
};

type Counts = Record<GaugeState, number>;

function listHref(kind: SubjectKind, state: GaugeState, by: Record<string, string>): string {
  const query = new URLSearchParams({ kind, state, ...by });
  return `/console/board/list?${query.toString()}`;
}

function countCells(kind: SubjectKind, gauges: Counts, by: Record<string, string>): HtmlValue {
  const counts = groupCounts(gauges);
  return GAUGE_STATES.map((state) => {
    const n = counts[state];
    const [zh, en] = STATE_ZH[state]!;
    return html`<td class="num" data-label="${zh} ${en}">
      <a href="${listHref(kind, state, by)}" class="${n === 0 ? 'zero' : ''}" data-count="${state}"
        >${n}</a
      >
    </td>`;
  });
}

const stateHeads = html`${GAUGE_STATES.map((s) => html`<th class="num">${label(STATE_ZH[s]![0], STATE_ZH[s]![1])}</th>`)}`;

/** An item's code with its Chinese name, when the published catalogue has the item. */
type ItemNamer = (code: string) => string | undefined;

function itemCell(code: string, nameOf: ItemNamer): HtmlValue {
  const name = nameOf(code);
  return html`<code>${code}</code>${name ? html` <span class="item-name">${name}</span>` : ''}`;
}

/** How long until a due time, or how late past it, in calendar days (hours under a day). */
function timeLeft(dueAt: string | undefined, nowMs: number): HtmlValue {
  const due = dueAt === undefined ? Number.NaN : Date.parse(dueAt);
  if (Number.isNaN(due)) return '—';
  const hours = Math.floor(Math.abs(due - nowMs) / 3_600_000);
  const [zh, en] =
    hours < 24
      ? [`${hours} 小时`, `${hours} h`]
      : [`${Math.floor(hours / 24)} 天`, `${Math.floor(hours / 24)} d`];
  return due >= nowMs
    ? html`<span data-left="ahead">剩 ${zh} <span class="en">${en} left</span></span>`
    : html`<span class="badge bad" data-left="late"
        >超期 ${zh} <span class="en">${en} late</span></span
      >`;
}

function section(
  nameOf: ItemNamer,
  kind: SubjectKind,
  stats: {
    totals: Counts;
    byProvince: (Counts & { province?: string })[];
    byItem: (Counts & { itemCode?: string })[];
  },
): HtmlValue {
  const [zh, en] = KIND_ZH[kind];
  const provinces = stats.byProvince.map(
    (p) =>
      html`<tr data-province="${p.province ?? ''}">
        <td class="across">
          ${provinceName(p.province ?? '')} <span class="en">${p.province ?? ''}</span>
        </td>
        ${countCells(kind, p, { province: p.province ?? '' })}
      </tr>`,
  );
  const items = stats.byItem.map(
    (i) =>
      html`<tr data-item="${i.itemCode ?? ''}">
        <td class="across">${itemCell(i.itemCode ?? '', nameOf)}</td>
        ${countCells(kind, i, { itemCode: i.itemCode ?? '' })}
      </tr>`,
  );
  const empty = (cols: number) =>
    html`<tr>
      <td colspan="${cols}" class="muted">暂无 <span class="en">none</span></td>
    </tr>`;
  return html`<section class="card" id="board-${kind}">
    <h2>${label(zh, en)}</h2>
    <div class="grid wide">
      <div class="table-wrap">
        <table class="by-province stacked">
          <thead>
            <tr>
              <th>省份 <span class="en">Province</span></th>
              ${stateHeads}
            </tr>
          </thead>
          <tbody>
            ${provinces.length ? provinces : empty(5)}
          </tbody>
          <tfoot>
            <tr>
              <th class="across">合计 <span class="en">Total</span></th>
              ${countCells(kind, stats.totals, {})}
            </tr>
          </tfoot>
        </table>
      </div>
      <div class="table-wrap">
        <table class="by-item stacked">
          <thead>
            <tr>
              <th>事项 <span class="en">Item</span></th>
              ${stateHeads}
            </tr>
          </thead>
          <tbody>
            ${items.length ? items : empty(5)}
          </tbody>
        </table>
      </div>
    </div>
  </section>`;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

export function boardPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { board, registry } = deps.services;
  const nameOf: ItemNamer = (code) => registry.item(code)?.name;

  router.get('/board', async (_req, res) => {
    const stats = await supervisionStats(board, {});
    sendPage(
      res,
      page(res, {
        title: '督办',
        en: 'Supervision board',
        active: 'board',
        body: html`<p class="muted">
            在办、预警、超期、通报的办件与整改，按省份和事项
            <span class="en"
              >Open, warned, overdue and escalated subjects by province and item; each number lists
              them.</span
            >
          </p>
          <p class="muted" id="board-overlap">
            “预警”只含临近时限、尚未超期的；超期的只在“超期”中，按超期时长排列（超期最久的在前）；通报的也计入超期，不可相加。
            <span class="en"
              >Warning holds only what is near its deadline, not yet overdue; an overdue subject is
              under Overdue alone, the longest overdue first; an escalated one is also counted as
              overdue, so do not add those two up.</span
            >
          </p>
          ${section(nameOf, 'case', stats.cases)}
          ${section(nameOf, 'rectification', stats.rectifications)}
          <p>
            <a href="/console/board/rectifications" id="rectifications-link"
              >${label('差评整改及期限', 'Rectifications and their deadlines')}</a
            >
            ·
            <a href="/console/board/notices" id="notices-link"
              >${label('督办通知（预警、催办、通报）', 'Notices: warnings, urges, escalations')}</a
            >
          </p>`,
      }),
    );
  });

  router.get('/board/list', async (req, res) => {
    const kind =
      oneOf<SubjectKind>(queryText(req.query, 'kind'), ['case', 'rectification']) ?? 'case';
    const state = oneOf(queryText(req.query, 'state'), GAUGE_STATES) ?? 'open';
    const province = /^[0-9]{2}$/.test(queryText(req.query, 'province'))
      ? queryText(req.query, 'province')
      : undefined;
    const itemCode = /^[A-Z]{2}-[0-9]{3}$/.test(queryText(req.query, 'itemCode'))
      ? queryText(req.query, 'itemCode')
      : undefined;
    const filter = groupFilter({ kind, state, province, itemCode });
    const place = listPlace(req.query);
    const [{ subjects, last, exhausted }, total] = await Promise.all([
      board.subjectsPage(filter, { after: place?.after, limit: LIST_LIMIT }),
      board.countIn(filter),
    ]);
    const shown = place?.shown ?? 0;
    // A full page has a next one while the gauges count more; a page the scan limit cut short
    // goes on after the last subject it looked at.
    const more =
      last !== undefined &&
      !exhausted &&
      (subjects.length < LIST_LIMIT || shown + subjects.length < total);
    const here = (cursor?: string) =>
      `/console/board/list?${new URLSearchParams({
        kind,
        state,
        ...(province ? { province } : {}),
        ...(itemCode ? { itemCode } : {}),
        ...(cursor ? { cursor } : {}),
      }).toString()}`;
    const pages = [
      place ? html`<a id="board-first" href="${here()}">${label('第一页', 'First page')}</a>` : '',
      more && last
        ? html`<a
            id="board-next"
            href="${here(listCursor({ shown: shown + subjects.length, after: last }))}"
            >${label('下一页', 'Next page')}</a
          >`
        : '',
    ].filter((l) => l !== '');
    const nowMs = deps.services.now().getTime();
    const [kindZh, kindEn] = KIND_ZH[kind];
    const [stateZh, stateEn] = STATE_ZH[state]!;
    const link = (id: string) => (kind === 'case' ? `/console/cases/${id}` : rectificationHref(id));
    const rows = subjects.map(
      (s) =>
        html`<tr data-subject="${s.id}">
          <td class="across"><a href="${link(s.id)}">${s.id}</a></td>
          <td data-label="省份 Province">${provinceName(s.province)}</td>
          <td>${itemCell(s.itemCode, nameOf)}</td>
          <td data-label="时限 Due">${shownTime(s.dueAt)}</td>
          <td>${timeLeft(s.dueAt, nowMs)}</td>
        </tr>`,
    );
    sendPage(
      res,
      page(res, {
        title: `${kindZh} · ${stateZh}`,
        en: `${kindEn} · ${stateEn}`,
        active: 'board',
        body: html`<p class="muted">
            ${province ? html`${provinceName(province)} ` : ''}${itemCode ?? ''} ·
            <span
              id="board-count"
              data-total="${total}"
              data-from="${shown + 1}"
              data-to="${shown + subjects.length}"
              >${
                subjects.length
                  ? label(
                      `第 ${shown + 1}–${shown + subjects.length} 条，共 ${total} 条`,
                      `${shown + 1}–${shown + subjects.length} of ${total}`,
                    )
                  : label(`共 ${total} 条`, `${total} in all`)
              }</span
            >
            · <a href="/console/board">返回督办 <span class="en">Back to the board</span></a>
          </p>
          <div class="table-wrap">
            <table id="board-list" class="stacked">
              <thead>
                <tr>
                  <th>编号 <span class="en">Id</span></th>
                  <th>省份 <span class="en">Province</span></th>
                  <th>事项 <span class="en">Item</span></th>
                  <th>时限 <span class="en">Due</span></th>
                  <th>剩余 / 超期 <span class="en">Left / late (calendar)</span></th>
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="5" class="muted">暂无 <span class="en">none</span></td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          <p class="muted" id="board-order">
            ${
              // Soonest due first is, among the late, the longest overdue first.
              state === 'overdue' || state === 'escalated'
                ? label('超期最久的在前', 'Longest overdue first')
                : state === 'warning'
                  ? label(
                      '未超期、时限最近的在前（超期的见“超期”）',
                      'Not yet overdue, soonest due first (overdue ones are under Overdue)',
                    )
                  : label('时限最近的在前', 'Soonest due first')
            }
          </p>
          ${pages.length ? html`<p class="actions" id="board-pages">${pages}</p>` : ''}`,
      }),
    );
  });

  router.get('/board/rectifications', async (req, res) => {
    const status = oneOf(queryText(req.query, 'status'), RECTIFICATION_STATUSES);
    const cursor = queryText(req.query, 'cursor', 100);
    const query: RectificationQuery = {
      ...(status ? { status } : {}),
      ...(/^[A-Za-z0-9_-]{1,100}$/.test(cursor) ? { cursor } : {}),
      limit: '100',
    };
    let listed;
    try {
      listed = await listRectifications(deps.services, maskedReader(operatorOf(res)), query);
    } catch {
      // A cursor that does not decode: start from the beginning rather than fail the page.
      listed = await listRectifications(deps.services, maskedReader(operatorOf(res)), {
        ...(status ? { status } : {}),
        limit: '100',
      });
    }
    const body = listed.body as {
      items: {
        rectificationId: string;
        caseId: string;
        province: string;
        itemCode: string;
        rated: string;
        level: number;
        status: string;
        visitDueAt?: string;
        dueAt?: string;
        flags?: Record<string, boolean>;
      }[];
      nextCursor: string | null;
    };
    const rows = body.items.map(
      (r) =>
        html`<tr id="${r.rectificationId}" data-rectification="${r.rectificationId}">
          <td class="across">
            <a href="${rectificationHref(r.rectificationId)}"><code>${r.rectificationId}</code></a>
          </td>
          <td class="across" data-label="办件 Case">
            <a href="/console/cases/${r.caseId}"><code>${r.caseId}</code></a>
          </td>
          <td>${provinceName(r.province)}</td>
          <td class="item"><code>${r.itemCode}</code></td>
          <td>
            ${r.level} ${LEVEL_ZH[r.level] ?? ''} · ${RATED_ZH[r.rated] ?? r.rated}
            <span class="en">${r.rated}</span>
          </td>
          <td>
            <span class="badge"
              >${RECTIFICATION_STATUS_ZH[r.status] ?? r.status}
              <span class="en">${r.status}</span></span
            >
          </td>
          <td class="time" data-label="回访期限 Visit due">${shownTime(r.visitDueAt)}</td>
          <td class="time" data-label="整改期限 Due">${shownTime(r.dueAt)}</td>
          <td class="across">${flagBadges(r.flags)}</td>
        </tr>`,
    );
    const next = body.nextCursor
      ? html`<p>
          <a
            id="next-page"
            href="/console/board/rectifications?${new URLSearchParams({ ...(status ? { status } : {}), cursor: body.nextCursor }).toString()}"
            >下一页 <span class="en">Next page</span></a
          >
        </p>`
      : '';
    sendPage(
      res,
      page(res, {
        title: '差评整改',
        en: 'Rectifications',
        active: 'board',
        body: html`<p class="muted">
            <a href="/console/board">返回督办 <span class="en">Back to the board</span></a>
            ·
            <a href="/console/board/notices" id="notices-link"
              >督办通知 <span class="en">Notices</span></a
            >
          </p>
          <form method="get" action="/console/board/rectifications" class="card filters">
            ${filterSelect({
              id: 'status',
              name: 'status',
              zh: '状态',
              en: 'Status',
              chosen: status,
              values: RECTIFICATION_STATUSES,
              named: (s) => RECTIFICATION_STATUS_ZH[s] ?? s,
            })}
            <button type="submit" class="primary">筛选 <span class="en">Filter</span></button>
          </form>
          <div class="table-wrap">
            <table id="rectifications" class="compact stacked">
              <thead>
                <tr>
                  <th>整改 <span class="en">Rectification</span></th>
                  <th>办件 <span class="en">Case</span></th>
                  <th>省份 <span class="en">Province</span></th>
                  <th>事项 <span class="en">Item</span></th>
                  <th>评价 <span class="en">Level</span></th>
                  <th>状态 <span class="en">Status</span></th>
                  <th>回访期限 <span class="en">Visit due</span></th>
                  <th>整改期限 <span class="en">Due</span></th>
                  <th>督办 <span class="en">Flags</span></th>
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="9" class="muted">暂无 <span class="en">none</span></td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          ${next}`,
      }),
    );
  });
  return router;
}
