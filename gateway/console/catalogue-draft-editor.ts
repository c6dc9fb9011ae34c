// The catalogue draft editor (gateway/console/README.md#catalogue-drafts): the form with the draft's
// subject fields, its document as one JSON textarea, the note, the live validation area and Save,
// with its script (assets/catalogue-editor.js, linked by its versioned URL). A save the use case
// refuses draws the editor again with what was typed and why, instead of an error page that would
// lose the operator's work.
import type { Response } from 'express';
import { isGatewayError } from '../shared/errors.ts';
import { validationReport } from './catalogue-draft-validation.ts';
import { assetUrl } from './console-assets.ts';
import { sessionOf } from './console-context.ts';
import { shownTime } from './console-time.ts';
import { creationKeyField, csrfField } from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { page, sendPage } from './layout.ts';

/**
 * How the editor's text relates to the store, for its script (assets/catalogue-editor.js):
 * `saved` — the page answers a save, so the caret and scroll the script kept at submit come back;
 * `refused` — a save was refused and the text shown is stored nowhere (always unsaved).
 */
export type EditorOrigin = 'loaded' | 'saved' | 'refused';

/** The editor: hidden subject fields, the JSON textarea, the note, live validation, save. */
export function editorForm(
  res: Response,
  action: string,
  fields: {
    kind: string;
    draftId?: string;
    itemCode?: string;
    baseVersion?: number;
    /** The saved draft's updatedAt the text was loaded from (a draft's page): see the save route. */
    savedAt?: string;
    note: string;
    document: string;
  },
  submitLabel: SafeHtml,
  problems: HtmlValue = '',
  origin: EditorOrigin = 'loaded',
  /** Beside Save, where the page opens after a save (the script puts the editor back in view). */
  saveNotice: HtmlValue = '',
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
      <p class="notice warn" id="editor-restored" role="status" hidden>
        已放回未保存的修改：上次保存没有完成（会话已过期或网关无响应），请检查后再保存
        <span class="en"
          >Your unsaved changes are back: the last save did not go through (the session had ended or
          the gateway did not answer); check them and save</span
        >
      </p>
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
      ${fields.savedAt ? html`<input type="hidden" name="savedAt" value="${fields.savedAt}" />` : ''}
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
      ${saveNotice}
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

/**
 * A draft the use case refused to store (GW_DRAFT_INVALID and the like): the editor again with
 * what the operator typed and why it was refused, instead of an error page that loses their work.
 */
export function refusedEditor(
  res: Response,
  error: unknown,
  action: string,
  fields: Parameters<typeof editorForm>[2],
): boolean {
  if (!isGatewayError(error) || error.status >= 500 || error.status === 403) return false;
  sendRefusedEditor(
    res,
    action,
    fields,
    validationReport({
      problems: error.errors ?? [],
      refused: `未保存 Not saved — ${error.code}: ${error.detail ?? error.message}`,
    }),
    error.status,
  );
  return true;
}

/**
 * A save from an editor loaded before the draft's last save (another tab, or the API or CLI):
 * not stored, so that save is not overwritten unseen; a second Save from this page overwrites it.
 */
export function conflictReport(savedAt: string): SafeHtml {
  return html`<div class="notice error" id="save-conflict" role="alert">
    未保存：此草稿在你打开编辑器之后已于 ${shownTime(savedAt)} 另行保存（另一个标签页或命令行）。
    你的文本仍在编辑器中；可在新标签页打开草稿对比，再次点击“保存”将覆盖那次保存。
    <span class="en"
      >Not saved: this draft was saved elsewhere (another tab or the CLI) at that time, after this
      editor was opened. Your text is still in the editor; open the draft in a new tab to compare,
      and Save again to overwrite that save.</span
    >
  </div>`;
}

/** The editor again, with the text as typed and the report of why it was not saved. */
export function sendRefusedEditor(
  res: Response,
  action: string,
  fields: Parameters<typeof editorForm>[2],
  report: ReturnType<typeof validationReport>,
  status: number,
  /** Beside Save: what the live check, which replaces `report` as the page opens, must not. */
  notice: SafeHtml | '' = '',
): void {
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
        report,
        'refused',
        notice,
      ),
    }),
    status,
  );
}
