// 督办 notices in the console (gateway/console/README.md#pages): the 预警 (warning), 催办 (urge)
// and 通报 (escalation) each raised flag sent, newest first, every province's or one's, of one
// type or all — what GET /v1/supervision/notices gives a province, read from the same board
// (gateway/supervision/supervision-board.ts). Each links to its case or rectification. Notices
// carry no personal data (supervision-notice.ts), so nothing here is masked.
import type { Router } from 'express';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import { gatewayRouter } from '../http/router.ts';
import {
  NOTICE_ID,
  NOTICE_TYPES,
  type NoticeType,
  type SupervisionNotice,
} from '../supervision/supervision-notice.ts';
import type { SupervisionBoard } from '../supervision/supervision-board.ts';
import type { ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { NOTICE_TYPE_ZH, provinceName } from './console-labels.ts';
import { filterSelect, queryText } from './forms.ts';
import { html, type HtmlValue } from './html.ts';
import { page, sendPage } from './layout.ts';
import { rectificationHref } from './rectification-pages.ts';
import { shownTime } from './console-time.ts';

const PAGE_SIZE = 50;
/** Read from the board per step, and steps at most per page: a rare type never walks it all. */
const READ_BATCH = 200;
const MAX_READS = 10;

interface NoticeFilter {
  province?: string;
  type?: NoticeType;
}

/**
 * One page of notices before `before`, newest first. The board indexes notices by province, not
 * by type: a type is filtered as the index is read, for at most MAX_READS batches; `next` is where
 * the reading stopped (more may follow), undefined at the end of the index.
 */
async function noticePage(
  board: SupervisionBoard,
  filter: NoticeFilter,
  before: string | undefined,
): Promise<{ notices: SupervisionNotice[]; next: string | undefined }> {
  const found: SupervisionNotice[] = [];
  let position = before;
  for (let read = 0; read < MAX_READS; read++) {
    const batch = await board.noticesBefore(filter.province, position, READ_BATCH);
    for (const notice of batch.notices) {
      if (filter.type && notice.type !== filter.type) continue;
      found.push(notice);
      if (found.length === PAGE_SIZE) return { notices: found, next: notice.noticeId };
    }
    if (!batch.full) return { notices: found, next: undefined };
    position = batch.lastId;
  }
  return { notices: found, next: position };
}

function badInput(zh: string, en: string): ConsoleError {
  return new ConsoleError(400, zh, en);
}

function subjectLink(n: SupervisionNotice): HtmlValue {
  const [zh, en] = n.subject.kind === 'case' ? ['办件', 'case'] : ['整改', 'rectification'];
  const href =
    n.subject.kind === 'case' ? `/console/cases/${n.subject.id}` : rectificationHref(n.subject.id);
  return html`${zh} <span class="en">${en}</span>
    <a href="${href}" data-subject-link="${n.subject.kind}"><code>${n.subject.id}</code></a>`;
}

function typeBadge(type: string): HtmlValue {
  const [zh, en] = NOTICE_TYPE_ZH[type] ?? [type, type];
  const tone = type === 'warning' ? 'warn' : 'bad';
  return html`<span class="badge ${tone}" data-type="${type}"
    >${zh} <span class="en">${en}</span></span
  >`;
}

export function noticePages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const { board, provinces, registry } = deps.services;

  router.get('/board/notices', async (req, res) => {
    const province = queryText(req.query, 'province', 10);
    const type = queryText(req.query, 'type', 20);
    const cursor = queryText(req.query, 'cursor', 200);
    if (province && !provinces.includes(province)) {
      throw badInput(`省份 ${province} 不在联盟中`, `province: ${province} is not in the alliance`);
    }
    if (type && !(NOTICE_TYPES as readonly string[]).includes(type)) {
      throw badInput(
        `通知类型应为 ${NOTICE_TYPES.join('、')}`,
        `type: one of ${NOTICE_TYPES.join(', ')}`,
      );
    }
    let before: string | undefined;
    try {
      before = cursor ? decodeCursor(cursor, NOTICE_ID) : undefined;
    } catch {
      throw badInput('游标无效：请从第一页开始', 'cursor: not one this list gave out');
    }
    const filter: NoticeFilter = {
      ...(province ? { province } : {}),
      ...(type ? { type: type as NoticeType } : {}),
    };
    const { notices, next } = await noticePage(board, filter, before);
    const rows = notices.map((n) => {
      const itemName = registry.item(n.itemCode)?.name;
      return html`<tr data-notice="${n.noticeId}" data-subject="${n.subject.id}">
        <td class="time">${shownTime(n.at)}</td>
        <td>${typeBadge(n.type)}</td>
        <td>${subjectLink(n)}</td>
        <td>
          <a href="/console/cases/${n.caseId}"><code>${n.caseId}</code></a>
        </td>
        <td>${provinceName(n.province)}</td>
        <td><code>${n.itemCode}</code>${itemName ? html` ${itemName}` : ''}</td>
        <td class="time">${shownTime(n.dueAt)}</td>
      </tr>`;
    });
    const older = next
      ? html`<p>
          <a
            id="older-notices"
            href="/console/board/notices?${new URLSearchParams({ ...filter, cursor: encodeCursor(next) }).toString()}"
            >更早的通知 <span class="en">Older notices</span></a
          >
        </p>`
      : '';
    sendPage(
      res,
      page(res, {
        title: '督办通知',
        en: 'Supervision notices',
        active: 'board',
        body: html`<p class="muted">
            预警、催办、通报，最新的在前
            <span class="en">Warnings, urges and escalations, newest first</span>
            · <a href="/console/board">返回督办 <span class="en">Back to the board</span></a>
          </p>
          <form
            method="get"
            action="/console/board/notices"
            class="card filters"
            id="notice-filter"
          >
            ${filterSelect({
              id: 'province',
              name: 'province',
              zh: '省份',
              en: 'Province',
              chosen: province,
              values: provinces,
              named: provinceName,
            })}
            ${filterSelect({
              id: 'type',
              name: 'type',
              zh: '类型',
              en: 'Type',
              chosen: type,
              values: NOTICE_TYPES,
              named: (t) => NOTICE_TYPE_ZH[t]![0],
            })}
            <button type="submit" class="primary">筛选 <span class="en">Filter</span></button>
          </form>
          <div class="table-wrap">
            <table id="notices" class="compact">
              <thead>
                <tr>
                  <th>时间 <span class="en">At</span></th>
                  <th>类型 <span class="en">Type</span></th>
                  <th>对象 <span class="en">Subject</span></th>
                  <th>办件 <span class="en">Case</span></th>
                  <th>省份 <span class="en">Province</span></th>
                  <th>事项 <span class="en">Item</span></th>
                  <th>时限 <span class="en">Due</span></th>
                </tr>
              </thead>
              <tbody>
                ${
                  rows.length
                    ? rows
                    : html`<tr>
                        <td colspan="7" class="muted">暂无 <span class="en">none</span></td>
                      </tr>`
                }
              </tbody>
            </table>
          </div>
          ${older}`,
      }),
    );
  });
  return router;
}
