// Catalogue drafts in the console (gateway/console/README.md#catalogue-drafts): the same use cases
// as /v1/admin/catalogue/drafts (catalogue/admin/catalogue-admin.ts), with the signed-in operator
// and the request id, so rights, the four-eyes rule and the audit are theirs, not the console's.
// An operator holding catalogue:edit starts a draft from an item's latest version (or a new item,
// or a calendar year), edits the document as JSON with live validation — the editor's script
// posts the form to /check, which runs the gateway's own draft validation and the compatibility
// report against the base version and answers an HTML fragment — reads a side-by-side diff of
// the saved draft with the published version, saves, validates and submits it. A second operator
// holding catalogue:approve finds it in the review queue and approves (publishing the next
// version) or rejects it with a reason; its author sees no approve button, and the use case
// refuses the attempt all the same (403 GW_FOUR_EYES, audited).
import type { Request, Response, Router } from 'express';
import express from 'express';
import type { DraftInput, DraftView, ValidationView } from '../catalogue/admin/catalogue-admin.ts';
import { draftItemOf } from '../catalogue/admin/item-version.ts';
import type { CompatibilityChange } from '../catalogue/compatibility/compatibility-report.ts';
import { createCatalogueStore } from '../catalogue/published/catalogue-store.ts';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError, type FieldProblem } from '../shared/errors.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import {
  can,
  operatorOf,
  operatorRequest,
  sessionOf,
  type ConsoleDeps,
} from './console-context.ts';
import { assetUrl } from './console-assets.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { chinaTime } from './console-labels.ts';
import {
  CREATION_KEY_FIELD,
  creationKeyField,
  csrfField,
  formText,
  postForm,
  queryText,
} from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { lineDiff, type DiffRow } from './line-diff.ts';

/**
 * Draft forms carry a whole item document (schema and examples, up to 256 KiB each as JSON, more
 * once URL-encoded): console-router.ts parses them with this limit instead of the console's 32 KiB.
 */
export const DRAFT_FORM_LIMIT = '2mb';
export const draftFormParser = express.urlencoded({
  extended: false,
  limit: DRAFT_FORM_LIMIT,
  parameterLimit: 20,
});
const MAX_DOCUMENT_CHARS = 1_500_000;

const STATUS_ZH: Readonly<Record<string, [string, string]>> = {
  draft: ['草稿', 'draft'],
  'in-review': ['待审核', 'in review'],
  approved: ['已发布', 'approved'],
  rejected: ['已退回', 'rejected'],
};

function statusBadge(status: string): SafeHtml {
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

const pretty = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

const request = operatorRequest;

/** The document text as typed, parsed; a clear 400 when it is not JSON. */
function parseDocument(text: string): unknown {
  if (text.trim() === '')
    throw new ConsoleError(400, '草稿内容为空', 'The draft document is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConsoleError(
      400,
      `草稿不是有效的 JSON：${reason}`,
      `The draft is not valid JSON: ${reason}`,
    );
  }
}

function problemList(problems: readonly FieldProblem[]): HtmlValue {
  if (problems.length === 0) return '';
  return html`<ul class="problems" id="draft-problems">
    ${problems.map(
      (p) =>
        html`<li data-path="${p.path}">
          <code>${p.path || '/'}</code> ${p.messageZh ?? ''} <span class="en">${p.message}</span>
        </li>`,
    )}
  </ul>`;
}

function changesTable(changes: readonly unknown[]): HtmlValue {
  const rows = changes as readonly CompatibilityChange[];
  if (rows.length === 0)
    return html`<p class="muted" id="compat-none">
      与基础版本相比结构无变化 <span class="en">No schema change against the base version</span>
    </p>`;
  return html`<div class="table-wrap">
    <table id="compat-changes">
      <thead>
        <tr>
          <th>位置 <span class="en">Path</span></th>
          <th>规则 <span class="en">Rule</span></th>
          <th>兼容性 <span class="en">Compatibility</span></th>
          <th>说明 <span class="en">Detail</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (c) =>
            html`<tr data-rule="${c.rule}" data-breaking="${String(c.breaking)}">
              <td><code>${c.path}</code></td>
              <td><code>${c.rule}</code></td>
              <td>
                ${
                  c.breaking
                    ? html`<span class="badge bad">不兼容 <span class="en">breaking</span></span>`
                    : html`<span class="badge ok">兼容 <span class="en">compatible</span></span>`
                }
              </td>
              <td>${c.detail}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The answer of a validation: ok or its problems, then the compatibility changes. */
function validationReport(
  result: ValidationView | { problems: readonly FieldProblem[]; refused: string },
): SafeHtml {
  if ('refused' in result)
    return html`<div class="notice error" id="check-result" data-ok="false">${result.refused}</div>
      ${problemList(result.problems)}`;
  const breaking = result.compatibility.breaking;
  return html`<div
      class="notice ${result.ok ? 'ok' : 'error'}"
      id="check-result"
      data-ok="${String(result.ok)}"
    >
      ${
        result.ok
          ? html`校验通过 <span class="en">The draft passes validation</span>`
          : html`发现 ${result.problems.length} 个问题
              <span class="en">${result.problems.length} problem(s)</span>`
      }
      ${
        breaking
          ? html` ·
              <span class="badge bad"
                >包含不兼容变更，旧版本将设停止受理日期
                <span class="en">breaking: the base version gets a sunset</span></span
              >`
          : ''
      }
    </div>
    ${problemList(result.problems)}
    <h3>${label('兼容性报告', 'Compatibility report')}</h3>
    ${changesTable(result.compatibility.changes)}`;
}

/** Runs the use case's validation of a would-be draft; refusals become their problems. */
async function checkInput(deps: ConsoleDeps, res: Response, input: DraftInput): Promise<SafeHtml> {
  try {
    return validationReport(await deps.services.catalogueAdmin.checkDraft(request(res), input));
  } catch (error) {
    if (isGatewayError(error) && error.status < 500)
      return validationReport({
        problems: error.errors ?? [],
        refused: error.errors?.length
          ? `发现 ${error.errors.length} 个问题，保存将被拒绝 ${error.errors.length} problem(s): saving would be refused (${error.code})`
          : `${error.code}: ${error.detail ?? error.message}`,
      });
    throw error;
  }
}

/** The published version a draft starts from, as the draft's own document would show it. */
function publishedDocument(
  deps: ConsoleDeps,
  calendars: ReadonlyMap<number, string>,
  draft: Pick<DraftView, 'kind' | 'itemCode' | 'year' | 'baseVersion'>,
): string {
  if (draft.kind === 'calendar') {
    const text = draft.year === undefined ? undefined : calendars.get(draft.year);
    if (text === undefined) return '';
    try {
      return pretty(JSON.parse(text));
    } catch {
      return text;
    }
  }
  const registry = deps.services.registry;
  const code = draft.itemCode ?? '';
  const item = draft.baseVersion > 0 ? registry.item(code, draft.baseVersion) : undefined;
  if (!item) return '';
  const examples = registry.examplesFor(code, item.version);
  return pretty(
    draftItemOf(item, registry.schemaFor(code, item.version) ?? {}, {
      valid: examples?.valid ?? [],
      invalid: examples?.invalid ?? [],
    }),
  );
}

const CONTEXT = 3;

function diffView(before: string, after: string): HtmlValue {
  const rows = lineDiff(before, after);
  const changed = rows.map((r) => r.kind !== 'same');
  if (!changed.includes(true))
    return html`<p class="muted" id="diff-none">
      已保存的草稿与已发布版本相同
      <span class="en">The saved draft is the same as the published version</span>
    </p>`;
  const near = rows.map((_, i) =>
    changed.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).includes(true),
  );
  const out: HtmlValue[] = [];
  let leftNo = 0;
  let rightNo = 0;
  let skipped = 0;
  const flush = () => {
    if (skipped > 0)
      out.push(
        html`<tr class="skip">
          <td colspan="4">… ${skipped} 行相同 <span class="en">unchanged lines</span> …</td>
        </tr>`,
      );
    skipped = 0;
  };
  rows.forEach((row: DiffRow, i) => {
    const left = 'left' in row ? row.left : undefined;
    const right = 'right' in row ? row.right : undefined;
    if (left !== undefined) leftNo++;
    if (right !== undefined) rightNo++;
    if (!near[i]) {
      skipped++;
      return;
    }
    flush();
    out.push(
      html`<tr class="${row.kind}">
        <td class="no">${left !== undefined ? leftNo : ''}</td>
        <td class="left">${left ?? ''}</td>
        <td class="no">${right !== undefined ? rightNo : ''}</td>
        <td class="right">${right ?? ''}</td>
      </tr>`,
    );
  });
  flush();
  return html`<div class="table-wrap">
    <table class="diff" id="draft-diff">
      <colgroup>
        <col class="no" />
        <col />
        <col class="no" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th colspan="2">已发布 <span class="en">Published</span></th>
          <th colspan="2">已保存的草稿 <span class="en">Saved draft</span></th>
        </tr>
      </thead>
      <tbody>
        ${out}
      </tbody>
    </table>
  </div>`;
}

function subjectOf(draft: Pick<DraftView, 'kind' | 'itemCode' | 'year'>): string {
  return draft.kind === 'calendar' ? `${draft.year ?? ''} 年工作日历` : (draft.itemCode ?? '');
}

function draftRows(drafts: readonly DraftView[]): HtmlValue {
  if (drafts.length === 0)
    return html`<p class="muted" id="no-drafts">没有草稿 <span class="en">No drafts</span></p>`;
  return html`<div class="table-wrap">
    <table id="draft-list">
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
              <td>
                <a href="/console/catalogue/drafts/${d.draftId}"><code>${d.draftId}</code></a>
              </td>
              <td>${subjectOf(d)}</td>
              <td>${d.kind === 'item' ? `v${d.baseVersion}` : '—'}</td>
              <td>${statusBadge(d.status)}</td>
              <td>${d.author}</td>
              <td>${d.note}</td>
              <td class="time">${chinaTime(d.updatedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * How the editor's text relates to the store, for its script (assets/catalogue-editor.js):
 * `saved` — the page answers a save, so the caret and scroll the script kept at submit come back;
 * `refused` — a save was refused and the text shown is stored nowhere (always unsaved).
 */
type EditorOrigin = 'loaded' | 'saved' | 'refused';

/** The editor: hidden subject fields, the JSON textarea, the note, live validation, save. */
function editorForm(
  res: Response,
  action: string,
  fields: {
    kind: string;
    draftId?: string;
    itemCode?: string;
    baseVersion?: number;
    note: string;
    document: string;
  },
  submitLabel: SafeHtml,
  problems: HtmlValue = '',
  origin: EditorOrigin = 'loaded',
): SafeHtml {
  const isNew = action === '/console/catalogue/drafts';
  return html`<form
      method="post"
      action="${action}"
      id="draft-editor"
      class="card"
      data-check-url="/console/catalogue/drafts/check"
      ${origin === 'loaded' ? '' : 'data-after-save'}
      ${origin === 'refused' ? 'data-unsaved' : ''}
    >
      ${csrfField(sessionOf(res))} ${isNew ? creationKeyField() : ''}
      <input type="hidden" name="kind" value="${fields.kind}" />
      ${fields.draftId ? html`<input type="hidden" name="draftId" value="${fields.draftId}" />` : ''}
      ${
        fields.kind === 'item'
          ? isNew
            ? html`<label for="draft-item-code">事项编码 <span class="en">Item code</span></label>
                <input
                  id="draft-item-code"
                  name="itemCode"
                  value="${fields.itemCode ?? ''}"
                  maxlength="6"
                  placeholder="SW-017"
                  required
                />`
            : html`<input type="hidden" name="itemCode" value="${fields.itemCode ?? ''}" />`
          : ''
      }
      ${fields.baseVersion !== undefined ? html`<input type="hidden" name="baseVersion" value="${fields.baseVersion}" />` : ''}
      <label for="draft-document">
        ${fields.kind === 'calendar' ? '日历（JSON）' : '事项文档（JSON：元数据、schema、examples）'}
        <span class="en"
          >${fields.kind === 'calendar' ? 'Calendar year as JSON' : 'Item document as JSON: metadata, schema, examples'}</span
        >
      </label>
      <textarea
        id="draft-document"
        name="document"
        class="code"
        spellcheck="false"
        rows="28"
        required
      >
${fields.document}</textarea>
      <label for="draft-note">修改说明 <span class="en">Note</span></label>
      <input id="draft-note" name="note" value="${fields.note}" maxlength="500" />
      <div class="actions">
        <button type="submit" class="primary" id="draft-save">${submitLabel}</button>
        <button type="button" id="draft-discard" hidden>
          放弃修改 <span class="en">Discard changes</span>
        </button>
        <span class="muted" id="live-state"
          >输入时自动校验 <span class="en">Validated as you type</span></span
        >
      </div>
      <p class="muted" id="live-check-stale" hidden>
        以下结果针对修改前的文本 <span class="en">The answer below is for an earlier text</span>
      </p>
      <section id="live-check" aria-live="polite">${problems}</section>
    </form>
    <script src="${assetUrl(res, 'catalogue-editor.js')}" defer></script>`;
}

function inputOf(body: unknown, fixed?: DraftView): DraftInput {
  const kind = fixed?.kind ?? (formText(body, 'kind', 20) === 'calendar' ? 'calendar' : 'item');
  const document = parseDocument(formText(body, 'document', MAX_DOCUMENT_CHARS));
  const note = formText(body, 'note', 500);
  if (kind === 'calendar') return { kind, calendar: document, note };
  const itemCode = fixed?.itemCode ?? formText(body, 'itemCode', 10).toUpperCase();
  const base = formText(body, 'baseVersion', 6);
  return {
    kind,
    itemCode,
    item: document,
    note,
    ...(fixed
      ? { baseVersion: fixed.baseVersion }
      : /^[0-9]{1,5}$/.test(base)
        ? { baseVersion: Number(base) }
        : {}),
  };
}

const DRAFT_ID = /^[0-9A-Za-z]{1,40}$/;

async function loadDraft(deps: ConsoleDeps, res: Response, draftId: string): Promise<DraftView> {
  if (!DRAFT_ID.test(draftId))
    throw new ConsoleError(
      404,
      `没有草稿 ${draftId.slice(0, 40)}`,
      `No draft ${draftId.slice(0, 40)}`,
    );
  return deps.services.catalogueAdmin.getDraft(request(res), draftId);
}

function draftBody(
  deps: ConsoleDeps,
  res: Response,
  draft: DraftView,
  calendars: ReadonlyMap<number, string>,
  notice?: SafeHtml,
  afterSave = false,
): HtmlValue {
  const me = operatorOf(res).id;
  const session = sessionOf(res);
  const mine = draft.author === me;
  const editable = draft.status === 'draft' && mine && can(res, 'catalogue:edit');
  const document = pretty(draft.kind === 'calendar' ? draft.calendar : draft.item);
  const published = publishedDocument(deps, calendars, draft);
  const id = draft.draftId;
  const validation = draft.validation;
  const reviewable = draft.status === 'in-review' && can(res, 'catalogue:approve');
  return html`<p class="muted">
      <a href="/console/catalogue/drafts">← 草稿 <span class="en">Drafts</span></a>
      ${can(res, 'catalogue:approve') ? html` · <a href="/console/catalogue/review">待审核 <span class="en">Review queue</span></a>` : ''}
      ${draft.kind === 'item' ? html` · <a href="/console/catalogue/items/${draft.itemCode ?? ''}">${draft.itemCode} 已发布版本 <span class="en">published</span></a>` : ''}
    </p>
    ${notice ?? ''}
    <section class="card" id="draft-facts">
      <dl class="facts">
        <dt>草稿 <span class="en">Draft</span></dt>
        <dd><code id="draft-id">${id}</code></dd>
        <dt>对象 <span class="en">Subject</span></dt>
        <dd>
          ${subjectOf(draft)}${draft.kind === 'item' ? html` · 基于 v${draft.baseVersion} <span class="en">from v${draft.baseVersion}</span>` : ''}
        </dd>
        <dt>状态 <span class="en">Status</span></dt>
        <dd id="draft-status">
          ${statusBadge(draft.status)}${draft.publishedVersion ? html` → v${draft.publishedVersion}` : ''}
        </dd>
        <dt>作者 <span class="en">Author</span></dt>
        <dd id="draft-author">${draft.author}</dd>
        <dt>说明 <span class="en">Note</span></dt>
        <dd>${draft.note || '—'}</dd>
        <dt>更新 <span class="en">Updated</span></dt>
        <dd>${chinaTime(draft.updatedAt)}</dd>
        ${
          draft.submittedAt
            ? html`<dt>提交审核 <span class="en">Submitted</span></dt>
                <dd>${chinaTime(draft.submittedAt)}</dd>`
            : ''
        }
        ${
          draft.decidedBy
            ? html`<dt>审核人 <span class="en">Decided by</span></dt>
                <dd id="draft-decided-by">${draft.decidedBy} · ${chinaTime(draft.decidedAt)}</dd>`
            : ''
        }
        ${
          draft.reason
            ? html`<dt>退回理由 <span class="en">Reason</span></dt>
                <dd id="draft-reason">${draft.reason}</dd>`
            : ''
        }
      </dl>
    </section>
    ${
      reviewable
        ? html`<section class="card" id="review-actions">
            <h2>${label('审核', 'Review')}</h2>
            ${
              mine
                ? html`<p class="notice warn" id="own-draft">
                    这是您自己的草稿，须由另一位审核人批准（双人复核）
                    <span class="en"
                      >Your own draft: another operator must approve it (four-eyes).</span
                    >
                  </p>`
                : postForm(
                    session,
                    `/console/catalogue/drafts/${id}/approve`,
                    html`<button type="submit" class="primary" id="draft-approve">
                      批准并发布 <span class="en">Approve and publish</span>
                    </button>`,
                    { className: 'actions' },
                  )
            }
            ${postForm(
              session,
              `/console/catalogue/drafts/${id}/reject`,
              html`<label for="reject-reason">退回理由 <span class="en">Reason</span></label>
                <textarea
                  id="reject-reason"
                  name="reason"
                  required
                  minlength="4"
                  maxlength="500"
                ></textarea>
                <div class="actions">
                  <button type="submit" class="danger" id="draft-reject">
                    退回 <span class="en">Reject</span>
                  </button>
                </div>`,
            )}
          </section>`
        : ''
    }
    ${
      editable
        ? html`${editorForm(
              res,
              `/console/catalogue/drafts/${id}`,
              {
                kind: draft.kind,
                draftId: id,
                ...(draft.itemCode ? { itemCode: draft.itemCode } : {}),
                note: draft.note,
                document,
              },
              html`保存 <span class="en">Save</span>`,
              '',
              afterSave ? 'saved' : 'loaded',
            )}
            <div class="card actions" id="draft-steps">
              ${postForm(session, `/console/catalogue/drafts/${id}/validate`, html`<button type="submit" id="draft-validate">校验 <span class="en">Validate</span></button>`, { className: 'inline' })}
              ${postForm(
                session,
                `/console/catalogue/drafts/${id}/submit`,
                html`<button
                  type="submit"
                  class="primary"
                  id="draft-submit"
                  ${validation?.ok && validation.current ? '' : 'disabled'}
                >
                  提交审核 <span class="en">Submit for review</span>
                </button>`,
                { className: 'inline' },
              )}
              <span class="muted"
                >保存后校验通过方可提交 <span class="en">Save, validate, then submit</span></span
              >
            </div>`
        : html`<section class="card">
            <h2>${label('草稿内容', 'Draft document')}</h2>
            <details id="draft-json">
              <summary>展开 <span class="en">Show</span></summary>
              <pre class="json">${document}</pre>
            </details>
          </section>`
    }
    <section class="card" id="draft-validation">
      <h2>${label('最近一次校验', 'Last validation')}</h2>
      ${
        validation
          ? html`${validation.current ? '' : html`<p class="notice warn" id="validation-stale">草稿已修改，需重新校验 <span class="en">Changed since: validate again</span></p>`}
            ${validationReport(validation)}`
          : html`<p class="muted">尚未校验 <span class="en">Not validated yet</span></p>`
      }
    </section>
    <section class="card" id="saved-diff">
      <h2>${label('已保存的草稿与已发布版本对比', 'Saved draft against the published version')}</h2>
      ${
        editable
          ? html`<p class="notice warn" id="diff-unsaved" hidden>
              编辑器中有未保存的修改，保存后才会显示在此
              <span class="en">Unsaved changes in the editor — save to see them here</span>
            </p>`
          : ''
      }
      ${diffView(published, document)}
    </section>`;
}

/**
 * A draft the use case refused to store (GW_DRAFT_INVALID and the like): the editor again with
 * what the operator typed and why it was refused, instead of an error page that loses their work.
 */
function refusedEditor(
  res: Response,
  error: unknown,
  action: string,
  fields: Parameters<typeof editorForm>[2],
): boolean {
  if (!isGatewayError(error) || error.status >= 500 || error.status === 403) return false;
  sendPage(
    res,
    page(res, {
      title: '草稿未保存',
      en: 'Draft not saved',
      active: 'catalogue',
      body: editorForm(
        res,
        action,
        fields,
        html`保存 <span class="en">Save</span>`,
        validationReport({
          problems: error.errors ?? [],
          refused: `未保存 Not saved — ${error.code}: ${error.detail ?? error.message}`,
        }),
        'refused',
      ),
    }),
    error.status,
  );
  return true;
}

export function catalogueDraftPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const admin = () => deps.services.catalogueAdmin;
  const { redis, config } = deps.services;
  const store = createCatalogueStore(redis, redisKeys(config.keyPrefix).catalogue);
  const calendars = async () => (await store.state()).calendars;

  const show = async (res: Response, draft: DraftView, notice?: SafeHtml, afterSave = false) => {
    sendPage(
      res,
      page(res, {
        title: `草稿 ${subjectOf(draft)}`,
        en: 'Catalogue draft',
        active: 'catalogue',
        body: draftBody(deps, res, draft, await calendars(), notice, afterSave),
      }),
    );
  };

  router.get('/catalogue/drafts', async (_req, res) => {
    const drafts = await admin().listDrafts(request(res), {});
    sendPage(
      res,
      page(res, {
        title: '目录草稿',
        en: 'Catalogue drafts',
        active: 'catalogue',
        body: html`<p class="muted">
            <a href="/console/catalogue">← 目录 <span class="en">Catalogue</span></a>
            ${
              can(res, 'catalogue:edit')
                ? html` ·
                    <a href="/console/catalogue/drafts/new" id="new-item-draft"
                      >新增事项 <span class="en">New item</span></a
                    >
                    ·
                    <a href="/console/catalogue/drafts/new?kind=calendar"
                      >新年度日历 <span class="en">New calendar year</span></a
                    >`
                : ''
            }
          </p>
          <section class="card">${draftRows(drafts)}</section>`,
      }),
    );
  });

  router.get(
    '/catalogue/review',
    requireRight(deps, 'catalogue:approve', 'catalogue.review'),
    async (_req, res) => {
      const drafts = await admin().listDrafts(request(res), { status: 'in-review' });
      sendPage(
        res,
        page(res, {
          title: '待审核草稿',
          en: 'Review queue',
          active: 'catalogue',
          body: html`<p class="muted">
              由作者以外的审核人批准或退回；点开草稿查看对比与兼容性报告
              <span class="en"
                >Approved or rejected by someone other than the author; open a draft for its diff
                and compatibility report.</span
              >
            </p>
            <section class="card" id="review-queue">${draftRows(drafts)}</section>`,
        }),
      );
    },
  );

  // A new item or calendar year: an empty editor, posted to create.
  router.get(
    '/catalogue/drafts/new',
    requireRight(deps, 'catalogue:edit', 'catalogue.draft.create'),
    (req, res) => {
      const kind = queryText(req.query, 'kind', 20) === 'calendar' ? 'calendar' : 'item';
      const year = new Date(deps.services.now().getTime() + 8 * 3_600_000).getUTCFullYear() + 1;
      const template =
        kind === 'calendar'
          ? { year, source: '', holidays: [], extraWorkingDays: [] }
          : {
              name: '',
              department: 'SW',
              subject: 'enterprise',
              modes: ['online'],
              level: 'county',
              promisedDays: 5,
              scope: 'national',
              schema: { type: 'object', properties: {}, required: [], additionalProperties: false },
              examples: { valid: [], invalid: [] },
            };
      sendPage(
        res,
        page(res, {
          title: kind === 'calendar' ? '新年度工作日历' : '新增事项',
          en: kind === 'calendar' ? 'New calendar year' : 'New item',
          active: 'catalogue',
          body: editorForm(
            res,
            '/console/catalogue/drafts',
            { kind, note: '', document: pretty(template) },
            html`创建草稿 <span class="en">Create draft</span>`,
          ),
        }),
      );
    },
  );

  // From an item page: a draft of its latest version; or from the new-item editor: its document.
  router.post('/catalogue/drafts', async (req, res) => {
    const itemCode = formText(req.body, 'itemCode', 10).toUpperCase();
    let input: DraftInput;
    if (formText(req.body, 'document', 1) === '') {
      const registry = deps.services.registry;
      const item = registry.item(itemCode);
      if (!item) throw new ConsoleError(404, `没有事项 ${itemCode}`, `No item ${itemCode}`);
      const examples = registry.examplesFor(itemCode);
      input = {
        kind: 'item',
        itemCode,
        baseVersion: item.version,
        item: draftItemOf(item, registry.schemaFor(itemCode) ?? {}, {
          valid: examples?.valid ?? [],
          invalid: examples?.invalid ?? [],
        }),
      };
    } else {
      input = inputOf(req.body);
    }
    try {
      const key = formText(req.body, CREATION_KEY_FIELD, 200);
      const { draft } = await admin().createDraft(request(res), input, key || undefined);
      res.redirect(303, `/console/catalogue/drafts/${draft.draftId}`);
    } catch (error) {
      const fields = {
        kind: input.kind ?? 'item',
        ...(input.itemCode ? { itemCode: input.itemCode } : {}),
        note: input.note ?? '',
        document: formText(req.body, 'document', MAX_DOCUMENT_CHARS),
      };
      if (!refusedEditor(res, error, '/console/catalogue/drafts', fields)) throw error;
    }
  });

  // Live validation: the editor's script posts the whole form here as it is typed.
  router.post(
    '/catalogue/drafts/check',
    requireRight(deps, 'catalogue:edit', 'catalogue.draft.check'),
    async (req, res) => {
      const draftId = formText(req.body, 'draftId', 40);
      const fixed = draftId ? await loadDraft(deps, res, draftId) : undefined;
      let fragment: SafeHtml;
      try {
        fragment = await checkInput(deps, res, inputOf(req.body, fixed));
      } catch (error) {
        if (!(error instanceof ConsoleError)) throw error;
        fragment = validationReport({ problems: [], refused: `${error.zh} ${error.en}` });
        res.status(error.status);
      }
      res.type('html').send(fragment.toString());
    },
  );

  router.get('/catalogue/drafts/:draftId', async (req, res) => {
    const saved = queryText(req.query, 'saved', 1) === '1';
    await show(
      res,
      await loadDraft(deps, res, String(req.params.draftId)),
      saved
        ? html`<p class="notice ok" id="saved">已保存 <span class="en">Saved</span></p>`
        : undefined,
      saved,
    );
  });

  router.post('/catalogue/drafts/:draftId', async (req, res) => {
    const current = await loadDraft(deps, res, String(req.params.draftId));
    const action = `/console/catalogue/drafts/${current.draftId}`;
    const fields = {
      kind: current.kind,
      draftId: current.draftId,
      ...(current.itemCode ? { itemCode: current.itemCode } : {}),
      note: formText(req.body, 'note', 500),
      document: formText(req.body, 'document', MAX_DOCUMENT_CHARS),
    };
    let input: DraftInput;
    try {
      input = inputOf(req.body, current);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      // Not JSON: the editor again with the text, so nothing typed is lost.
      const refusal = validationReport({ problems: [], refused: `${error.zh} ${error.en}` });
      sendPage(
        res,
        page(res, {
          title: '草稿未保存',
          en: 'Draft not saved',
          active: 'catalogue',
          body: editorForm(
            res,
            action,
            fields,
            html`保存 <span class="en">Save</span>`,
            refusal,
            'refused',
          ),
        }),
        400,
      );
      return;
    }
    try {
      await admin().updateDraft(request(res), current.draftId, input);
    } catch (error) {
      if (!refusedEditor(res, error, action, fields)) throw error;
      return;
    }
    res.redirect(303, `${action}?saved=1`);
  });

  router.post('/catalogue/drafts/:draftId/validate', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().validateDraft(request(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });

  router.post('/catalogue/drafts/:draftId/submit', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().submitDraft(request(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });

  router.post('/catalogue/drafts/:draftId/approve', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    const published = await admin().approveDraft(request(res), draftId);
    const draft = await loadDraft(deps, res, draftId);
    await show(
      res,
      draft,
      html`<p class="notice ok" id="published">
        已发布${published.version ? ` ${published.itemCode ?? ''} v${published.version}` : ` ${published.year ?? ''} 年日历`}，目录修订号
        ${published.revision}
        <span class="en">Published; catalogue revision ${published.revision}</span>
      </p>`,
    );
  });

  router.post('/catalogue/drafts/:draftId/reject', async (req: Request, res) => {
    const draftId = String(req.params.draftId);
    const reason = formText(req.body, 'reason', 500);
    if (can(res, 'catalogue:approve') && reason.length < 4)
      throw new ConsoleError(
        400,
        '请填写退回理由（至少 4 个字）',
        'Give a reason of at least 4 characters',
      );
    await loadDraft(deps, res, draftId);
    await admin().rejectDraft(request(res), draftId, reason);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });
  return router;
}
