// 死信 (dead letters) listed in the console (gateway/console/README.md#pages): atop, the summary
// an operator needs after a province's outage — per adapter and failure kind the count, the
// oldest failure and the province's state now (breaker, deliveries waiting to retry), with a
// bulk replay button for holders of `replay` (dead-letter-bulk-pages.ts); below, the letters
// themselves, oldest failure first, 100 a page, forwards and back (dead-letter-list-paging.ts),
// filtered by adapter and kind. Reasons are masked, as everywhere in the console's lists. The
// summary's data-label cells name themselves at phone width, where its lines stack (console.css,
// table.stacked).
import type { Router } from 'express';
import { summariseDeadLetters, type DeadLetterTally } from '../admin/dead-letter-summary.ts';
import { attemptsGivenUp, FAILURE_KINDS, type FailureKindKey } from '../cases/failure-kind.ts';
import { locals } from '../http/request-context.ts';
import { gatewayRouter } from '../http/router.ts';
import { can, type ConsoleDeps } from './console-context.ts';
import { provinceName } from './console-labels.ts';
import { listPlaceOf, placeQuery } from './dead-letter-list-place.ts';
import { deadLetterListUrl, pageLinks, readListPage } from './dead-letter-list-paging.ts';
import { failureKindBadge, failureKindNamed, failureKindsHelp } from './failure-kinds.ts';
import { gatewayNote } from './gateway-notes.ts';
import { filterSelect, queryText } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { provinceStateBrief, readProvinceState } from './province-state.ts';
import { shownTime } from './console-time.ts';
import { CASE_ID } from '../cases/case-id.ts';

export function deadLetterListPage(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { store } = deps.services;

  router.get('/dead-letters', async (req, res) => {
    const adapters = deps.services.routing.routes.adapters();
    const { adapter, kind } = listPlaceOf(req.query, adapters);
    const at = {
      cursor: queryText(req.query, 'cursor', 200) || undefined,
      before: queryText(req.query, 'before', 200) || undefined,
    };
    const [summary, listed] = await Promise.all([
      summariseDeadLetters(store),
      readListPage(store, { unmasked: false, log: locals(res).log }, { adapter, kind }, at),
    ]);
    const states = new Map(
      await Promise.all(
        [...new Map(summary.tallies.map((t) => [t.adapter, t.targetRegion])).entries()]
          .filter((e): e is [string, string] => e[0] !== undefined && e[1] !== undefined)
          .map(
            async ([a, region]) => [a, await readProvinceState(deps.services, a, region)] as const,
          ),
      ),
    );
    // After a single replay (its POST redirects here): the notice has the focus, so a screen
    // reader says it and the next Tab is its link to the case, not the page's first stop again.
    const replayed = queryText(req.query, 'replayed', 40);
    // Each letter's page links back here, and its replay returns here: this filter, this page.
    const here = placeQuery({ adapter, kind, ...at });
    const rows = listed.items.map(
      (d) =>
        // Stacked at phone width (table.stacked, the id and the reason across): as columns the
        // reason, what the operator reads first, was off to the right of a table scrolled
        // sideways, and each case id broken over five lines.
        html`<tr data-case="${d.caseId}">
          <td class="across"><a href="/console/dead-letters/${d.caseId}${here}">${d.caseId}</a></td>
          <td data-label="事项 Item">
            ${d.itemCode} ${deps.services.registry.item(d.itemCode)?.name ?? ''}
          </td>
          <td data-label="通道 Adapter">${d.adapter ?? '—'}</td>
          <td data-label="失败时间 Failed at">${shownTime(d.failedAt)}</td>
          <td class="across">
            ${failureKindBadge(failureKindNamed(d.kind, attemptsGivenUp(d.reason)))}<br />${d.reason === undefined ? '' : gatewayNote(d.reason)}
          </td>
        </tr>`,
    );
    const summaryRow = (t: DeadLetterTally) => {
      const state = t.adapter ? states.get(t.adapter) : undefined;
      // A refusal has no bulk replay (the province would refuse them all again): its line says
      // what to do instead, where the button would be.
      const bulk =
        t.kind === 'refused'
          ? html`<span class="muted" data-refused-step="${t.adapter ?? ''}"
              >${label('逐件更正或与省平台联系，原因消除后逐件重放', 'Correct each case or contact the province; replay one by one once fixed')}</span
            >`
          : t.adapter && can(res, 'replay')
            ? html`<a
                class="button"
                data-bulk-replay="${t.adapter}:${t.kind}"
                href="/console/dead-letters/replay?${new URLSearchParams({ adapter: t.adapter, kind: t.kind }).toString()}"
                >${label('批量重放…', 'Replay all…')}</a
              >`
            : '';
      return html`<tr
        data-adapter="${t.adapter ?? ''}"
        data-kind="${t.kind}"
        data-count="${t.count}"
      >
        <td>
          ${t.adapter ?? '—'}
          ${t.targetRegion ? provinceName(t.targetRegion.slice(0, 2)) : label('联办主件', 'joint parents')}
        </td>
        <td>${failureKindBadge(failureKindNamed(t.kind))}</td>
        <td class="num" data-label="件数 Count">
          <a href="${deadLetterListUrl({ adapter: t.adapter, kind: t.kind })}">${t.count}</a>
        </td>
        <td data-label="最早失败 Oldest">${shownTime(t.oldestFailedAtMs)}</td>
        <td class="across">${state ? provinceStateBrief(state) : '—'}</td>
        <td class="across">${bulk}</td>
      </tr>`;
    };
    sendPage(
      res,
      page(res, {
        title: '死信',
        en: 'Dead letters',
        active: 'dead-letters',
        body: html`${replayed && CASE_ID.test(replayed) ? html`<p class="notice ok" id="replayed" role="status" tabindex="-1" autofocus>已重新排队 <a href="/console/cases/${replayed}">${replayed}</a> <span class="en">Queued again</span></p>` : ''}
          <section class="card" id="dead-letter-summary" data-total="${summary.total}">
            <h2>${label('按通道和原因汇总', 'By adapter and kind')}</h2>
            <p class="muted">
              送达省级平台最终失败的办件共 ${summary.total}${summary.complete ? '' : '+'} 件
              <span class="en"
                >${summary.total}${summary.complete ? '' : '+'} cases whose delivery to the province
                failed for good</span
              >
            </p>
            ${summary.tallies.length ? summaryTable(summary.tallies.map(summaryRow)) : ''}
          </section>
          ${failureKindsHelp(FAILURE_KINDS.filter((k) => summary.tallies.some((t) => t.kind === k)))}
          ${filterForm(adapters, adapter, kind, (a) => {
            // The province an adapter serves, from its route's prefix, as the summary names it.
            const route = deps.services.routing.routes.entries.find((e) => e.adapter === a);
            return route ? provinceName(route.prefix.slice(0, 2)) : '';
          })}
          <div class="table-wrap">
            <table id="dead-letters" class="stacked">
              <thead>
                <tr>
                  <th>办件 <span class="en">Case</span></th>
                  <th>事项 <span class="en">Item</span></th>
                  <th>通道 <span class="en">Adapter</span></th>
                  <th>失败时间 <span class="en">Failed at</span></th>
                  <th>原因 <span class="en">Reason</span></th>
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="5" class="muted">
                          没有死信 <span class="en">No dead letters</span>
                        </td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          <p class="muted">${label('最早失败的在前', 'Oldest failure first')}</p>
          ${pageLinks({ adapter, kind }, listed)}`,
      }),
    );
  });
  return router;
}

function summaryTable(rows: SafeHtml[]): SafeHtml {
  return html`<div class="table-wrap">
    <table id="dead-letter-tallies" class="compact stacked">
      <thead>
        <tr>
          <th>通道 <span class="en">Adapter</span></th>
          <th>原因 <span class="en">Kind</span></th>
          <th class="num">件数 <span class="en">Count</span></th>
          <th>最早失败 <span class="en">Oldest failure</span></th>
          <th>省平台现状 <span class="en">Province now</span></th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function filterForm(
  adapters: readonly string[],
  adapter: string | undefined,
  kind: FailureKindKey | undefined,
  provinceOf: (adapter: string) => string,
): SafeHtml {
  return html`<form
    method="get"
    action="/console/dead-letters"
    class="card filters"
    id="dead-letter-filters"
  >
    ${filterSelect({
      id: 'adapter',
      name: 'adapter',
      zh: '通道',
      en: 'Adapter',
      chosen: adapter,
      values: adapters,
      named: provinceOf,
    })}
    ${filterSelect({
      id: 'kind',
      name: 'kind',
      zh: '原因',
      en: 'Kind',
      chosen: kind,
      values: FAILURE_KINDS,
      named: (k) => failureKindNamed(k).zh,
    })}
    <button type="submit" class="primary">筛选 <span class="en">Filter</span></button>
  </form>`;
}
