// Portal callbacks that failed for good, in the console (gateway/console/README.md#pages): the
// list the admin API and the CLI give (failedCallbackPage: oldest failure first, by position, the
// URL reduced to its host, the last error masked), each linked to its case, and for holders of
// `replay` a button replaying it through the API's use case (replayFailedCallbackAudited: its 8
// attempts again, audited as `callback.replay`). Before, the overview sent operators to the queue
// board, whose failed callbacks are stack traces under job ids with no way to their cases. At
// phone width each row stacks (console.css, table.stacked): the case id, the error and the button
// across, the rest two by two.
import type { Router } from 'express';
import { replayFailedCallbackAudited } from '../callbacks/failed-callback-replay.ts';
import {
  CALLBACK_ID,
  failedCallbackCursor,
  failedCallbackPage,
  failedCallbackPosition,
  type FailedCallback,
} from '../callbacks/failed-callbacks.ts';
import { CASE_ID } from '../cases/case-id.ts';
import { gatewayRouter } from '../http/router.ts';
import { can, operatorRequest, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { STATUS_ZH } from './console-labels.ts';
import { shownTime } from './console-time.ts';
import { postForm, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { label, page, sendPage } from './layout.ts';

export const FAILED_CALLBACKS_PATH = '/console/callbacks/failed';
const PAGE_SIZE = 50;

const TYPE_ZH: Readonly<Record<string, string>> = {
  status: '办件状态',
  supervision: '督办',
  rectification: '整改',
};

function what(c: FailedCallback): HtmlValue {
  const type = html`${TYPE_ZH[c.type] ?? c.type} <span class="en">${c.type}</span>`;
  if (c.status === undefined) return type;
  const zh = STATUS_ZH[c.status];
  return html`${type} · ${zh ?? ''}
    <span class="en">${c.status}</span>${c.sequence === undefined ? '' : html` #${c.sequence}`}`;
}

export function failedCallbackPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { callbacks, audit } = deps.services;

  router.get('/callbacks/failed', async (req, res) => {
    const cursor = queryText(req.query, 'cursor', 400);
    let after;
    try {
      after = failedCallbackPosition(cursor || undefined);
    } catch {
      throw new ConsoleError(400, '游标无效：请从第一页开始', 'cursor: not one this list gave out');
    }
    const replayed = queryText(req.query, 'replayed', 200);
    const replayedCase = queryText(req.query, 'case', 40);
    const { items, next } = await failedCallbackPage(callbacks, {
      ...(after ? { after } : {}),
      limit: PAGE_SIZE,
    });
    const total = await callbacks.failedCount();
    const replay = can(res, 'replay');
    const rows = items.map(
      (c) =>
        html`<tr data-callback="${c.id}" data-case="${c.caseId}">
          <td data-label="办件 Case" class="across">
            <a href="/console/cases/${c.caseId}"><code>${c.caseId}</code></a>
          </td>
          <td data-label="回调 Callback">${what(c)}</td>
          <td data-label="门户 Portal"><code>${c.portal}</code> · ${c.host ?? '—'}</td>
          <td data-label="失败时间 Failed at">
            ${shownTime(c.failedAt)} · ${c.attempts} 次 <span class="en">attempts</span>
          </td>
          <td data-label="最后错误 Last error" class="reason across">${c.lastError}</td>
          ${
            replay
              ? html`<td class="across">
                  ${postForm(
                    sessionOf(res),
                    `${FAILED_CALLBACKS_PATH}/${encodeURIComponent(c.id)}/replay`,
                    html`<button type="submit" class="primary" data-replay="${c.id}">
                      重放 <span class="en">Replay</span>
                    </button>`,
                  )}
                </td>`
              : ''
          }
        </tr>`,
    );
    const notice =
      replayed && CALLBACK_ID.test(replayed) && CASE_ID.test(replayedCase)
        ? html`<p class="notice ok" id="replayed" role="status" tabindex="-1" autofocus>
            已重新排队，重新获得 8 次尝试：<code>${replayed}</code> · 办件
            <a href="/console/cases/${replayedCase}">${replayedCase}</a>
            <span class="en">Queued again with its 8 attempts</span>
          </p>`
        : '';
    sendPage(
      res,
      page(res, {
        title: '回调失败',
        en: 'Failed callbacks',
        active: 'queues',
        body: html`${notice}
          <p class="muted">
            门户回调 8 次均未送达，最早失败的在前，共 ${total} 件（保留 7
            天）；重放后每个回调重新获得 8 次尝试，记入审计。
            <span class="en"
              >Portal callbacks not taken in 8 attempts, oldest failure first (kept 7 days); a
              replay gives each its 8 attempts again, audited.</span
            >
            ·
            <a href="/console/queues/queue/callbacks?status=failed"
              >${label('队列看板', 'On the queue board')}</a
            >
          </p>
          <div class="table-wrap">
            <table id="failed-callbacks" class="stacked">
              <thead>
                <tr>
                  <th>办件 <span class="en">Case</span></th>
                  <th>回调 <span class="en">Callback</span></th>
                  <th>门户 <span class="en">Portal</span></th>
                  <th>失败时间 <span class="en">Failed at</span></th>
                  <th>最后错误 <span class="en">Last error</span></th>
                  ${replay ? html`<th></th>` : ''}
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="6" class="muted">
                          ${label('没有失败的回调', 'No failed callbacks')}
                        </td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          ${
            next
              ? html`<p>
                  <a
                    id="later-failures"
                    href="${FAILED_CALLBACKS_PATH}?${new URLSearchParams({ cursor: failedCallbackCursor(next) ?? '' }).toString()}"
                    >${label('更晚失败的', 'Newer failures')}</a
                  >
                </p>`
              : ''
          }`,
      }),
    );
  });

  // The API's replay of one callback (right checked and audited there), then back to the list.
  router.post('/callbacks/failed/:id/replay', async (req, res) => {
    const id = String(req.params.id);
    const done = await replayFailedCallbackAudited(
      { callbacks, audit },
      { ...operatorRequest(res), id },
    );
    res.redirect(
      303,
      `${FAILED_CALLBACKS_PATH}?${new URLSearchParams({ replayed: done.id, case: done.caseId }).toString()}`,
    );
  });
  return router;
}
