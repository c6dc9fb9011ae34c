// One catalogue draft's page (gateway/console/README.md#catalogue-drafts), /console/catalogue/
// drafts/{id}: its facts; for an operator holding catalogue:approve while it is in review, approve
// or reject (its author sees why they cannot approve: the four-eyes rule, which the use case
// enforces all the same); for its author while it is a draft, the editor with Validate and Submit
// (enabled once the saved draft passes); else the document read-only; then its last validation
// and the saved draft against the published version.
import type { Response } from 'express';
import type { DraftView } from '../catalogue/admin/catalogue-admin.ts';
import { createCatalogueStore } from '../catalogue/published/catalogue-store.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import { breakingConsequence } from './catalogue-draft-approve-page.ts';
import { diffView, publishedDocument } from './catalogue-draft-diff.ts';
import { editorForm } from './catalogue-draft-editor.ts';
import { pretty } from './catalogue-draft-input.ts';
import { statusBadge, subjectOf } from './catalogue-draft-list.ts';
import { validationReport } from './catalogue-draft-validation.ts';
import { can, operatorOf, sessionOf, type ConsoleDeps } from './console-context.ts';
import { postForm } from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { shownTime } from './console-time.ts';

/**
 * One draft: links back, its facts, the editor (its author, while a draft) or the document
 * read-only, its last validation, the saved diff, then the review actions for an approver — after
 * what the approver judges (the compatibility report says "breaking" in the validation), so the
 * button is reached only past it.
 */
function draftBody(
  deps: ConsoleDeps,
  res: Response,
  draft: DraftView,
  calendars: ReadonlyMap<number, string>,
  notice?: SafeHtml,
  afterSave = false,
  afterValidate = false,
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
      ${can(res, 'audit:read') ? html` · <a id="draft-audit" href="/console/audit?target=${id}">审计记录 <span class="en">Audit entries</span></a>` : ''}
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
        <dd>${shownTime(draft.updatedAt)}</dd>
        ${
          draft.submittedAt
            ? html`<dt>提交审核 <span class="en">Submitted</span></dt>
                <dd>${shownTime(draft.submittedAt)}</dd>`
            : ''
        }
        ${
          draft.decidedBy
            ? html`<dt>审核人 <span class="en">Decided by</span></dt>
                <dd id="draft-decided-by">${draft.decidedBy} · ${shownTime(draft.decidedAt)}</dd>`
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
      // A rejected draft cannot be edited or submitted again: its next step is a new draft with
      // its text, to fix what the reason says (catalogue-draft-pages.ts, /drafts/new?from=).
      draft.status === 'rejected' && can(res, 'catalogue:edit')
        ? html`<p class="notice warn" id="draft-again-step">
            已退回的草稿不能再修改或提交；可用它的内容新建一份草稿，按退回理由修改后再提交
            <span class="en"
              >A rejected draft cannot be changed or submitted again; start a new one from its text,
              fix what the reason says and submit that</span
            >
            ·
            <a id="draft-again" href="/console/catalogue/drafts/new?from=${id}"
              >以此为基础新建草稿 <span class="en">Draft again from it</span></a
            >
          </p>`
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
                savedAt: draft.updatedAt,
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
    <section
      class="card"
      id="draft-validation"
      ${afterValidate ? html`tabindex="-1" autofocus aria-labelledby="draft-validation-title"` : ''}
    >
      <h2 id="draft-validation-title">
        ${label('已保存草稿的最近一次校验', 'Last validation of the saved draft')}
      </h2>
      ${editable ? html`<p class="muted">编辑器中的实时检查见上方；此处为点击“校验”时已保存的文本 <span class="en">The live check of the editor's text is above; this is the saved text as of the last Validate</span></p>` : ''}
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
                : approveForm(deps, draft)
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
    }`;
}

/**
 * Approve and publish…: to the confirmation page (catalogue-draft-approve-page.ts), which names
 * what it publishes and posts the approval; what a breaking change means for portals right above
 * the button, which it describes.
 */
function approveForm(deps: ConsoleDeps, draft: DraftView): SafeHtml {
  const warning = breakingConsequence(deps, draft);
  return html`<div id="approve-form">
    ${warning ?? ''}
    <div class="actions">
      <a
        class="button primary"
        href="/console/catalogue/drafts/${draft.draftId}/approve"
        id="draft-approve"
        ${warning ? html`aria-describedby="approve-breaking"` : ''}
        >批准并发布… <span class="en">Approve and publish…</span></a
      >
    </div>
  </div>`;
}

/**
 * 已发布 above an approved draft, on the page its approval redirects to (`?published=<revision>`,
 * the catalogue revision the publish made); nothing for a draft not approved or another value.
 */
export function publishedNotice(draft: DraftView, revision: string): SafeHtml | undefined {
  if (draft.status !== 'approved' || !/^[1-9][0-9]{0,11}$/.test(revision)) return undefined;
  const what =
    draft.kind === 'item'
      ? `${draft.itemCode ?? ''} v${draft.publishedVersion ?? ''}`
      : `${draft.year ?? ''} 年日历`;
  return html`<p class="notice ok" id="published">
    已发布 ${what}，目录修订号 ${revision}
    <span class="en">Published; catalogue revision ${revision}</span>
  </p>`;
}

/**
 * Sends one draft's page, with `notice` above it; `afterSave`: it answers the draft's save;
 * `afterValidate`: it answers Validate, so the validation has the focus.
 */
export type ShowDraft = (
  res: Response,
  draft: DraftView,
  notice?: SafeHtml,
  afterSave?: boolean,
  afterValidate?: boolean,
) => Promise<void>;

/**
 * Draws draft pages: a calendar draft's diff reads the published calendars from the catalogue
 * store, the item drafts' from the gateway's registry.
 */
export function draftPageSender(deps: ConsoleDeps): ShowDraft {
  const { redis, config } = deps.services;
  const store = createCatalogueStore(redis, redisKeys(config.keyPrefix).catalogue);
  const calendars = async () => (await store.state()).calendars;
  return async (res, draft, notice, afterSave = false, afterValidate = false) => {
    sendPage(
      res,
      page(res, {
        title: `草稿 ${subjectOf(draft)}`,
        en: 'Catalogue draft',
        active: 'catalogue',
        body: draftBody(deps, res, draft, await calendars(), notice, afterSave, afterValidate),
      }),
    );
  };
}
