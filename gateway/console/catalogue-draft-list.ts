// The catalogue drafts as a list (gateway/console/README.md#catalogue-drafts): the table the
// drafts page and the review queue show, and the status badge and subject (item code or calendar
// year) that a draft's own page shows the same way.
import type { DraftList, DraftView } from '../catalogue/admin/catalogue-admin.ts';
import { DRAFT_STATUSES, type DraftStatus } from '../catalogue/admin/draft-store.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { label } from './layout.ts';
import { shownTime } from './console-time.ts';

const STATUS_ZH: Readonly<Record<string, [string, string]>> = {
  draft: ['草稿', 'draft'],
  'in-review': ['待审核', 'in review'],
  approved: ['已发布', 'approved'],
  rejected: ['已退回', 'rejected'],
};

/** A draft's status as a coloured badge. */
export function statusBadge(status: string): SafeHtml {
  const [zh, en] = STATUS_ZH[status] ?? [status, status];
  const tone =
    status === 'approved'
      ? 'ok'
      : status === 'rejected'
        ? 'bad'
        : status === 'in-review'
          ? 'warn'
          : '';
  return html`<span class="badge ${tone}" data-draft-status="${status}"
    >${zh} <span class="en">${en}</span></span
  >`;
}

/** What a draft changes: its item code, or the calendar year. */
export function subjectOf(draft: Pick<DraftView, 'kind' | 'itemCode' | 'year'>): string {
  return draft.kind === 'calendar' ? `${draft.year ?? ''} 年工作日历` : (draft.itemCode ?? '');
}

/** The drafts table of the drafts page and the review queue, each row linking to its draft. */
export function draftRows(drafts: readonly DraftView[]): HtmlValue {
  if (drafts.length === 0)
    return html`<p class="muted" id="no-drafts">没有草稿 <span class="en">No drafts</span></p>`;
  return html`<div class="table-wrap">
    <table id="draft-list" class="stacked">
      <thead>
        <tr>
          <th>草稿 <span class="en">Draft</span></th>
          <th>对象 <span class="en">Subject</span></th>
          <th>基础版本 <span class="en">Base</span></th>
          <th>状态 <span class="en">Status</span></th>
          <th>作者 <span class="en">Author</span></th>
          <th>说明 <span class="en">Note</span></th>
          <th>更新 <span class="en">Updated</span></th>
        </tr>
      </thead>
      <tbody>
        ${drafts.map(
          (d) =>
            html`<tr data-draft="${d.draftId}">
              <td class="across">
                <a href="/console/catalogue/drafts/${d.draftId}"><code>${d.draftId}</code></a>
              </td>
              <td>${subjectOf(d)}</td>
              <td data-label="基于 Base">${d.kind === 'item' ? `v${d.baseVersion}` : '—'}</td>
              <td>${statusBadge(d.status)}</td>
              <td data-label="作者 Author">${d.author}</td>
              <td class="across" data-label="说明 Note">${d.note}</td>
              <td class="time" data-label="更新 Updated">${shownTime(d.updatedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The status a drafts page is filtered by (`?status=`), if it is one. */
export function draftStatusQuery(text: string): DraftStatus | undefined {
  return (DRAFT_STATUSES as readonly string[]).includes(text) ? (text as DraftStatus) : undefined;
}

/** A page of drafts: the table, then a link to the next (older) page when there is one. */
export function draftPage(list: DraftList, path: string, status?: DraftStatus): HtmlValue {
  const older = list.nextCursor
    ? `${path}?${new URLSearchParams({ ...(status ? { status } : {}), cursor: list.nextCursor }).toString()}`
    : undefined;
  return html`${draftRows(list.items)}
  ${
    older
      ? html`<p><a id="drafts-older" href="${older}">${label('更早的草稿', 'Older drafts')}</a></p>`
      : ''
  }`;
}

/** Links filtering the drafts page by status, the current one marked. */
export function draftStatusFilter(current: DraftStatus | undefined): HtmlValue {
  const link = (status: DraftStatus | undefined, name: HtmlValue) =>
    html`<a
      href="/console/catalogue/drafts${status ? `?status=${status}` : ''}"
      ${current === status ? html`aria-current="page"` : ''}
      >${name}</a
    >`;
  return html`<p class="muted" id="draft-status-filter">
    ${link(undefined, label('全部', 'All'))} ·
    ${DRAFT_STATUSES.map((status, i) => {
      const [zh, en] = STATUS_ZH[status] ?? [status, status];
      return html`${i > 0 ? ' · ' : ''}${link(status, label(zh, en))}`;
    })}
  </p>`;
}
