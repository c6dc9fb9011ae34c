// A draft against what is published (gateway/console/README.md#catalogue-drafts): the published
// version the draft starts from, written as the draft's own document would be (an item's metadata,
// schema and examples; a calendar year), and the side-by-side line diff of the saved draft with it
// (line-diff.ts), unchanged stretches folded.
import type { DraftView } from '../catalogue/admin/catalogue-admin.ts';
import { draftItemOf } from '../catalogue/admin/item-version.ts';
import { pretty } from './catalogue-draft-input.ts';
import type { ConsoleDeps } from './console-context.ts';
import { html, type HtmlValue } from './html.ts';
import { lineDiff, type DiffRow } from './line-diff.ts';

/** The published version a draft starts from, as the draft's own document would show it. */
export function publishedDocument(
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

/** Unchanged lines shown around each change; longer runs of them fold into one row. */
const CONTEXT = 3;

/** The saved draft against the published version, side by side with line numbers. */
export function diffView(before: string, after: string): HtmlValue {
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
