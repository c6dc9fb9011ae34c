// 工作日历 (working-day calendars) in the console (gateway/console/README.md#pages): each year the
// published catalogue holds, as twelve month grids marking its holidays (休) and its extra working
// days (调休上班, 班), read from the catalogue in Redis — what every gateway counts 承诺时限 and
// 督办 deadlines with. A new year is a calendar draft (catalogue-draft-pages.ts), published by a
// second operator like an item. A year published while gateways ran says whether the due times
// counted on another calendar for it have been counted again yet, and why (first published,
// corrected, an operator's rerun); an operator holding catalogue:approve can ask a rerun there
// (gateway/README.md#calendar-recount), audited as the API's.
import type { Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { createCatalogueStore, readCalendarTexts } from '../catalogue/published/catalogue-store.ts';
import { projectPath } from '../shared/project-root.ts';
import type { YearCalendar } from '../calendar/working-days.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import { can, operatorRequest, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { postForm, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import type { RecountState } from '../supervision/calendar-recount.ts';
import { shownTime } from './console-time.ts';
import { requestRecount } from '../supervision/calendar-recount-routes.ts';
import type { RecountReason } from '../calendar/due-recount.ts';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

interface PublishedYear extends YearCalendar {
  readonly source?: string;
}

function parseYear(text: string): PublishedYear | undefined {
  try {
    const value = JSON.parse(text) as PublishedYear;
    return Array.isArray(value.holidays) && Array.isArray(value.extraWorkingDays)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

function monthGrid(year: PublishedYear, month: number): HtmlValue {
  const holidays = new Set(year.holidays);
  const extra = new Set(year.extraWorkingDays);
  const first = new Date(Date.UTC(year.year, month - 1, 1));
  const days = new Date(Date.UTC(year.year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday first
  const cells: HtmlValue[] = Array.from({ length: lead }, () => html`<td></td>`);
  for (let d = 1; d <= days; d++) {
    const date = `${year.year}-${pad(month)}-${pad(d)}`;
    const weekday = (lead + d - 1) % 7;
    const kind = holidays.has(date)
      ? 'holiday'
      : extra.has(date)
        ? 'extra'
        : weekday >= 5
          ? 'weekend'
          : 'work';
    const mark = kind === 'holiday' ? '休' : kind === 'extra' ? '班' : '';
    cells.push(
      html`<td class="day ${kind}" data-date="${date}" title="${date}">
        ${d}${mark ? html`<small>${mark}</small>` : ''}
      </td>`,
    );
  }
  const rows: HtmlValue[] = [];
  for (let i = 0; i < cells.length; i += 7)
    rows.push(
      html`<tr>
        ${cells.slice(i, i + 7)}
      </tr>`,
    );
  return html`<table class="month">
    <caption>
      ${month} 月
    </caption>
    <thead>
      <tr>
        ${WEEKDAYS.map((w) => html`<th>${w}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

const REASON: Record<RecountReason, { zh: string; en: string }> = {
  published: { zh: '首次发布', en: 'first published' },
  corrected: { zh: '日历更正', en: 'corrected' },
  rerun: { zh: '运维人员要求重算', en: 'rerun asked by an operator' },
};

/** What the calendar recount of a published year did, or that it is still to run. */
function recountLine(recount: RecountState | undefined): HtmlValue {
  if (!recount) return '';
  const reason = REASON[recount.reason ?? 'published'];
  if (recount.state === 'pending')
    return html`<p class="notice warn" id="calendar-recount" data-state="pending">
      按本年度日历重算到期日(${reason.zh})：待执行(网关数秒内执行)
      <span class="en"
        >Due times counted on another calendar for this year (${reason.en}): to be counted again (a
        gateway runs it within seconds)</span
      >
    </p>`;
  return html`<p
    class="muted"
    id="calendar-recount"
    data-state="done"
    data-reason="${recount.reason ?? 'published'}"
  >
    按本年度日历重算到期日(${reason.zh})：${shownTime(recount.doneAt)} 完成，改期
    ${recount.recounted ?? 0} 件， 日期不变去除推定标记 ${recount.unmarked ?? 0} 件(共查看
    ${recount.looked ?? 0} 件)
    <span class="en"
      >Due times counted again on this year (${reason.en}): ${recount.recounted ?? 0} moved,
      ${recount.unmarked ?? 0} kept and no longer assumed, of ${recount.looked ?? 0} looked at</span
    >
  </p>`;
}

export function calendarPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { redis, config } = deps.services;
  const store = createCatalogueStore(redis, redisKeys(config.keyPrefix).catalogue);

  router.get('/catalogue/calendars', async (req, res) => {
    const state = await store.state();
    // A gateway that does not follow the catalogue in Redis counts with the files it started with.
    const fromFiles = state.calendars.size === 0;
    const calendars = fromFiles
      ? readCalendarTexts(projectPath('config', 'calendars'))
      : state.calendars;
    const years = [...calendars.keys()].sort((a, b) => a - b);
    const asked = queryText(req.query, 'year', 4);
    const year = asked ? Number(asked) : (years.at(-1) ?? new Date().getUTCFullYear());
    const text = calendars.get(year);
    if (asked && text === undefined)
      throw new ConsoleError(404, `没有 ${asked} 年的工作日历`, `No calendar for ${asked}`);
    const shown = text === undefined ? undefined : parseYear(text);
    const recount = shown
      ? (await deps.services.calendarRecount.states()).get(shown.year)
      : undefined;
    const body = html`<p class="muted">
        <a href="/console/catalogue">← 目录 <span class="en">Catalogue</span></a> · 目录修订号
        <span class="en">Revision</span> <code>${state.revision}</code>
        ${
          can(res, 'catalogue:edit')
            ? html` ·
                <a href="/console/catalogue/drafts/new?kind=calendar" id="calendar-draft-start"
                  >起草新年度日历 <span class="en">Draft a calendar year</span></a
                >`
            : ''
        }
      </p>
      ${
        fromFiles
          ? html`<p class="notice warn" id="calendars-from-files">
              目录中尚无工作日历，显示的是本网关启动时读取的 config/calendars 文件
              <span class="en"
                >The catalogue holds no calendar: these are the files this gateway started
                with.</span
              >
            </p>`
          : ''
      }
      <nav class="card actions" id="calendar-years">
        ${
          years.length
            ? years.map(
                (y) =>
                  html`<a
                    href="/console/catalogue/calendars?year=${y}"
                    class="${y === year ? 'active' : ''}"
                    >${y} 年</a
                  >`,
              )
            : html`<span class="muted"
                >目录中没有工作日历 <span class="en">No calendar is published</span></span
              >`
        }
      </nav>
      ${
        shown
          ? html`<section class="card" id="calendar-year" data-year="${shown.year}">
              <h2>${label(`${shown.year} 年`, 'Working days')}</h2>
              <p class="muted">
                ${shown.source ?? ''} · 节假日 ${shown.holidays.length} 天
                <span class="en">holidays</span> · 调休上班 ${shown.extraWorkingDays.length} 天
                <span class="en">extra working days</span>
              </p>
              ${recountLine(recount)}
              ${
                can(res, 'catalogue:approve') && recount?.state !== 'pending'
                  ? postForm(
                      sessionOf(res),
                      `/console/catalogue/calendars/${shown.year}/recount`,
                      html`<button type="submit" id="calendar-recount-rerun">
                          按本年度日历重新计算到期日
                          <span class="en">Recount this year's due dates</span>
                        </button>
                        <small class="muted"
                          >只改与本日历不符的到期日
                          <span class="en"
                            >changes only due dates that do not match this calendar</span
                          ></small
                        >`,
                      { className: 'actions' },
                    )
                  : ''
              }
              <p class="legend">
                <span class="day holiday">休</span> 节假日 <span class="en">holiday</span>
                <span class="day extra">班</span> 调休上班 <span class="en">extra working day</span>
                <span class="day weekend">六</span> 周末 <span class="en">weekend</span>
              </p>
              <div class="months">
                ${Array.from({ length: 12 }, (_, i) => monthGrid(shown, i + 1))}
              </div>
            </section>`
          : ''
      }`;
    sendPage(
      res,
      page(res, { title: '工作日历', en: 'Working-day calendars', active: 'catalogue', body }),
    );
  });
  router.post('/catalogue/calendars/:year/recount', async (req, res) => {
    const year = Number(req.params.year);
    if (!/^\d{4}$/.test(String(req.params.year)))
      throw new ConsoleError(404, `没有 ${String(req.params.year)} 年的工作日历`, 'No such year');
    await requestRecount(deps.services, operatorRequest(res), year);
    res.redirect(303, `/console/catalogue/calendars?year=${year}`);
  });
  return router;
}
