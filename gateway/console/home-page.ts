// The console's first page: what needs an operator now, then who is signed in, with which rights,
// and the sections they may open. "Now" is read at each view from Redis, the same readings as
// /metrics and the 督办 board (any gateway answers for the whole system): dead letters waiting
// for a replay, cases no relay has queued (and how long the oldest has waited), each adapter's
// deliveries waiting out a retry, portal callbacks that failed for good, the 督办 flags raised, catalogue drafts waiting for review, and
// the working-day calendars the deadlines need that are not published (/readyz's warnings: from
// December on, next year's — the one thing an operator must do each year, which no page said).
// Should Redis not answer, the page still opens, saying so, with the rest of it.
import type { Router } from 'express';
import type { CalendarWarning } from '../calendar/calendar-warnings.ts';
import type { DraftList } from '../catalogue/admin/catalogue-admin.ts';
import { MAX_PAGE } from '../http/cursor.ts';
import { gatewayRouter } from '../http/router.ts';
import type { DeliveryBacklog } from '../queues/delivery-backlog.ts';
import { GAUGE_STATES, type GaugeState } from '../supervision/supervision-board.ts';
import { groupCounts } from './board-groups.ts';
import { supervisionStats } from '../supervision/supervision-stats.ts';
import { can, operatorOf, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { RIGHT_LABELS, STATE_ZH } from './console-labels.ts';
import { CONSOLE_NAV } from './console-nav.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';

/**
 * When the oldest case in the outbox has waited this long, no relay is moving it: a running
 * worker's relay queues a case within milliseconds of its 202 (README.md#benchmarks), and a relay
 * that died mid-batch leaves its claim for seconds, not a minute.
 */
export const OUTBOX_STALE_SECONDS = 60;

interface Attention {
  backlog: DeliveryBacklog;
  cases: Record<GaugeState, number>;
  rectifications: Record<GaugeState, number>;
  /** The first page of drafts in review (MAX_PAGE): the count, or MAX_PAGE+ with a next page. */
  inReview: DraftList;
  /** Rectifications appealed by their province, waiting for an operator's 申诉复核. */
  appealed: number;
  /** Years the 督办 deadlines need without a published working-day calendar. */
  calendars: CalendarWarning[];
  /** Portal callbacks that failed for good (the callbacks queue's failed set, kept 7 days). */
  failedCallbacks: number;
}

const CALENDAR_REASON_ZH: Record<CalendarWarning['reason'], string> = {
  current: '本年度日历未发布',
  'next-year': '下一年度日历未发布（国务院办公厅通知一般于11月发布）',
  deadline: '有办件的期限落在该年',
};

function waited(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} 秒`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分钟`;
  return `${Math.floor(seconds / 3600)} 小时`;
}

/** One row of the card: a figure, whether it asks for action, and where to act. */
function row(
  key: string,
  name: HtmlValue,
  figure: HtmlValue,
  tone: '' | 'warn' | 'bad',
  detail: HtmlValue,
): HtmlValue {
  return html`<tr data-attention="${key}" class="${tone}">
    <th scope="row">${name}</th>
    <td class="num"><span class="badge ${tone || 'ok'}" data-figure="${key}">${figure}</span></td>
    <td>${detail}</td>
  </tr>`;
}

function flagCounts(kind: 'case' | 'rectification', gauges: Record<GaugeState, number>) {
  const counts = groupCounts(gauges);
  return GAUGE_STATES.filter((s) => s !== 'open').map((state) => {
    const [zh, en] = STATE_ZH[state]!;
    const n = counts[state];
    return html`<a
      href="/console/board/list?kind=${kind}&amp;state=${state}"
      class="badge ${n === 0 ? '' : state === 'warning' ? 'warn' : 'bad'}"
      data-flag-count="${kind}-${state}"
      >${zh} <span class="en">${en}</span> ${n}</a
    > `;
  });
}

/** Overdue (escalated ones are overdue too) is for action now; a warning is for soon. */
function flagTone(counts: Record<GaugeState, number>): '' | 'warn' | 'bad' {
  return counts.overdue > 0 ? 'bad' : counts.warning > 0 ? 'warn' : '';
}

function attentionCard(attention: Attention, mayApprove: boolean, mayDecide: boolean): HtmlValue {
  const { backlog, cases, rectifications, inReview, appealed, calendars, failedCallbacks } =
    attention;
  const stale = backlog.outbox > 0 && backlog.oldestSeconds >= OUTBOX_STALE_SECONDS;
  const delayed = backlog.jobs.filter((j) => j.state === 'delayed' && j.count > 0);
  const waiting = backlog.jobs
    .filter((j) => j.state !== 'delayed')
    .reduce((n, j) => n + j.count, 0);
  const rows = [
    row(
      'dead-letters',
      label('死信', 'Dead letters'),
      backlog.deadLetters,
      backlog.deadLetters > 0 ? 'bad' : '',
      html`${label('送达失败、等待重放的办件', 'failed for good, waiting for a replay')} ·
        <a href="/console/dead-letters">${label('查看', 'Open')}</a>`,
    ),
    row(
      'outbox',
      label('待入队', 'Awaiting a relay'),
      backlog.outbox,
      stale ? 'bad' : '',
      backlog.outbox === 0
        ? label('已受理的办件都已入队', 'every accepted case is queued')
        : html`${label(`最久已等 ${waited(backlog.oldestSeconds)}`, 'oldest waited')}
            <span data-oldest-seconds="${Math.floor(backlog.oldestSeconds)}"></span>
            ${
              stale
                ? html`<span class="notice warn inline" id="relay-stalled"
                    >${label(
                      '没有 worker 在转发：请检查 worker 进程及其 Redis 连接',
                      'no worker is relaying: check the worker processes and their Redis',
                    )}</span
                  >`
                : ''
            }`,
    ),
    row(
      'deliveries',
      label('投递中', 'Deliveries to do'),
      waiting,
      '',
      html`${label('排队或正在投递', 'queued or being delivered')} ·
        <a href="/console/queues">${label('队列', 'Queues')}</a>`,
    ),
    row(
      'delayed',
      label('延迟重试', 'Waiting to retry'),
      delayed.reduce((n, j) => n + j.count, 0),
      delayed.length ? 'warn' : '',
      delayed.length
        ? html`${delayed.map(
            (j) =>
              html`<span class="badge warn" data-delayed-adapter="${j.adapter}"
                >${j.adapter} ${j.count}</span
              > `,
          )}
          ${label('省级平台拒绝或无应答时按退避重试', 'a province refused or did not answer')}`
        : label('无', 'none'),
    ),
    row(
      'callbacks-failed',
      label('回调失败', 'Failed callbacks'),
      failedCallbacks,
      failedCallbacks > 0 ? 'warn' : '',
      failedCallbacks === 0
        ? label('门户回调都已送达或仍在重试', 'every portal callback was delivered or is retrying')
        : html`${label('门户回调 8 次均未送达（保留 7 天）', 'portal callbacks not taken in 8 attempts (kept 7 days)')}
            ·
            ${label('重放后每个回调重新获得 8 次尝试', 'a replay gives each its 8 attempts again')}:
            <code>npm run cli -- failed-callbacks replay --all</code> ·
            <a href="/console/callbacks/failed" id="failed-callbacks-link"
              >${label('查看并重放', 'Open and replay')}</a
            >`,
    ),
    row(
      'cases-flagged',
      label('督办 · 办件', '督办 · cases'),
      cases.overdue,
      flagTone(cases),
      html`${flagCounts('case', cases)} · <a href="/console/board">${label('督办', 'Board')}</a>`,
    ),
    row(
      'rectifications-flagged',
      label('督办 · 整改', '督办 · rectifications'),
      rectifications.overdue,
      flagTone(rectifications),
      html`${flagCounts('rectification', rectifications)} ·
        <a href="/console/board/rectifications">${label('整改', 'Rectifications')}</a>`,
    ),
    row(
      'appeals-to-decide',
      label('申诉待裁定', 'Appeals to decide'),
      appealed,
      appealed > 0 && mayDecide ? 'warn' : '',
      html`${label('省级平台申诉的差评整改，待复核', 'rectifications a province appealed, waiting for a decision')}
        ·
        <a href="/console/board/rectifications?status=APPEALED">${label('申诉中', 'Appealed')}</a>`,
    ),
    row(
      'calendars-missing',
      label('工作日历', 'Working-day calendars'),
      calendars.length,
      calendars.length > 0 ? 'warn' : '',
      calendars.length === 0
        ? label('期限所需年度的日历均已发布', 'every year the deadlines need is published')
        : html`${calendars.map(
              (w) =>
                html`<span class="badge warn" data-missing-year="${w.year}">${w.year}</span>
                  ${label(CALENDAR_REASON_ZH[w.reason], w.detail)} `,
            )}
            ·
            ${label('未发布前按周一至周五推算期限', 'until then deadlines count Monday to Friday')}
            ·
            <a href="/console/catalogue/drafts/new?kind=calendar" id="calendar-draft-new"
              >${label('新年度日历', 'New calendar year')}</a
            >`,
    ),
    row(
      'drafts-in-review',
      label('待审核草稿', 'Drafts in review'),
      inReview.nextCursor ? `${String(inReview.items.length)}+` : inReview.items.length,
      inReview.items.length > 0 && mayApprove ? 'warn' : '',
      mayApprove
        ? html`<a href="/console/catalogue/review">${label('审核', 'Review queue')}</a>`
        : html`<a href="/console/catalogue/drafts">${label('草稿', 'Drafts')}</a>`,
    ),
  ];
  return html`<section class="card" id="attention">
    <h2>${label('待处理', 'Needs attention')}</h2>
    <div class="table-wrap">
      <table class="compact attention">
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
  </section>`;
}

export function homePage(deps: ConsoleDeps): Router {
  const { services } = deps;
  const router = gatewayRouter();
  router.get('/', async (_req, res) => {
    const operator = operatorOf(res);
    let attention: Attention | undefined;
    try {
      const [backlog, stats, inReview, appealed, calendars, failedCallbacks] = await Promise.all([
        services.backlog(),
        supervisionStats(services.board, {}),
        services.catalogueAdmin.listDrafts(operatorRequest(res), {
          status: 'in-review',
          limit: MAX_PAGE,
        }),
        Promise.all(
          services.provinces.map((p) => services.rectifications.countIn(p, 'APPEALED')),
        ).then((counts) => counts.reduce((a, b) => a + b, 0)),
        services.readinessWarnings(),
        services.callbacks.failedCount(),
      ]);
      attention = {
        backlog,
        cases: stats.cases.totals,
        rectifications: stats.rectifications.totals,
        inReview,
        appealed,
        calendars,
        failedCallbacks,
      };
    } catch (error) {
      services.logger.warn({ err: error }, 'console overview: the figures could not be read');
    }
    const rights = operator.rights.map((r) => {
      const [zh, en] = RIGHT_LABELS[r] ?? [r, r];
      return html`<li data-right="${r}">${label(zh, en)} <code>${r}</code></li>`;
    });
    const sections = CONSOLE_NAV.filter(
      (n) => n.key !== 'home' && (!n.right || operator.rights.includes(n.right)),
    ).map((n) => html`<li><a href="${n.href}">${label(n.zh, n.en)}</a></li>`);
    sendPage(
      res,
      page(res, {
        title: '概览',
        en: 'Overview',
        active: 'home',
        body: html`${
            attention
              ? attentionCard(attention, can(res, 'catalogue:approve'), can(res, 'appeal'))
              : html`<section class="card" id="attention">
                  <h2>${label('待处理', 'Needs attention')}</h2>
                  <p class="notice error" id="attention-unavailable">
                    ${label(
                      '暂时无法读取运行数据（Redis 无应答），请稍后刷新',
                      'The figures cannot be read now (Redis does not answer); reload in a moment',
                    )}
                  </p>
                </section>`
          }
          <section class="card">
            <h2>${label('当前账号', 'Signed in as')} <code>${operator.id}</code></h2>
            <h3>${label('权限', 'Rights')}</h3>
            <ul id="rights">
              ${rights.length ? rights : html`<li class="muted">只读 <span class="en">read only</span></li>`}
            </ul>
          </section>
          <section class="card">
            <h2>${label('功能', 'Sections')}</h2>
            <ul class="sections">
              ${sections}
            </ul>
          </section>`,
      }),
    );
  });
  return router;
}
