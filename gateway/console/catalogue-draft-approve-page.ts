// 批准并发布 behind a confirmation (gateway/console/README.md#catalogue-drafts), as a dead letter's
// replay is: the draft page's *Approve and publish…* opens this page, which names the item, the
// version it publishes and the one it replaces, what changes (the compatibility report of the
// saved draft's validation and its line diff with the published version) and, for a breaking
// change, what that means for portals; only its button posts the approval. Before, the draft
// page's button published at once. The four-eyes rule stays the use case's (approveDraft refuses
// the author, 403 GW_FOUR_EYES, audited); this page refuses them too, before they confirm.
import type { Response } from 'express';
import type { DraftView } from '../catalogue/admin/catalogue-admin.ts';
import { createCatalogueStore } from '../catalogue/published/catalogue-store.ts';
import { redisKeys } from '../shared/redis-keys.ts';
import { diffView, publishedDocument } from './catalogue-draft-diff.ts';
import { pretty } from './catalogue-draft-input.ts';
import { changesTable } from './catalogue-draft-validation.ts';
import { operatorOf, sessionOf, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { postForm } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label, page, sendPage } from './layout.ts';
import { shownTime } from './console-time.ts';

/**
 * What approving a breaking item draft means for portals, said beside Approve and publish (the
 * button describes itself by it): the report's "breaking" sat pages above the button, and the
 * consequence — pinned submissions to the base version refused after its sunset
 * (GW_CATALOGUE_SUNSET_DAYS, catalogue-admin.ts approveDraft) — nowhere on the page. Read from
 * the stored validation, as approveDraft reads it to set the sunset.
 */
export function breakingConsequence(deps: ConsoleDeps, draft: DraftView): SafeHtml | undefined {
  if (draft.kind !== 'item' || !draft.validation?.compatibility.breaking || !draft.baseVersion)
    return undefined;
  const days = deps.services.config.catalogueSunsetDays;
  const sunset = shownTime(deps.services.now().getTime() + days * 86_400_000);
  const base = `v${draft.baseVersion}`;
  const next = `v${draft.baseVersion + 1}`;
  return html`<p class="notice warn" id="approve-breaking">
    <strong>不兼容变更</strong>：发布 ${next} 后，门户按 ${base}
    提交的申请仍受理至停止受理日期（发布后 ${days} 天，约 ${sunset}），此后被拒绝（422
    GW_ITEM_VERSION_RETIRED）；门户须在此前改用 ${next}。
    <span class="en"
      >Breaking change: once ${next} is published, portals submitting ${base} are still accepted
      until its sunset (${days} days after publishing, about ${sunset}), then refused (422
      GW_ITEM_VERSION_RETIRED); they must move to ${next} before then.</span
    >
  </p>`;
}

/** What the approval publishes and replaces, in words: `SW-005 社保… v2（取代 v1）`. */
function publication(deps: ConsoleDeps, draft: DraftView): { zh: string; en: string } {
  if (draft.kind === 'calendar')
    return {
      zh: `${draft.year ?? ''} 年工作日历`,
      en: `the working-day calendar of ${draft.year ?? ''}`,
    };
  const code = draft.itemCode ?? '';
  const name = deps.services.registry.item(code)?.name ?? '';
  const next = draft.baseVersion + 1;
  return draft.baseVersion > 0
    ? {
        zh: `${code} ${name} 第 ${next} 版（取代第 ${draft.baseVersion} 版）`,
        en: `${code} version ${next} (replacing version ${draft.baseVersion})`,
      }
    : { zh: `新事项 ${code} 第 1 版`, en: `the new item ${code}, version 1` };
}

/** The confirmation page of one draft's approval, for an approver who is not its author. */
export function approvalSender(deps: ConsoleDeps) {
  const { redis, config } = deps.services;
  const store = createCatalogueStore(redis, redisKeys(config.keyPrefix).catalogue);
  return async (res: Response, draft: DraftView): Promise<void> => {
    const id = draft.draftId;
    if (draft.status !== 'in-review')
      throw new ConsoleError(
        409,
        '此草稿不在待审核状态，不能批准',
        'This draft is not in review: there is nothing to approve',
      );
    if (draft.author === operatorOf(res).id)
      throw new ConsoleError(
        403,
        '这是您自己的草稿，须由另一位审核人批准（双人复核，GW_FOUR_EYES）',
        'Your own draft: another operator must approve it (four-eyes, GW_FOUR_EYES)',
      );
    const what = publication(deps, draft);
    const warning = breakingConsequence(deps, draft);
    const document = pretty(draft.kind === 'calendar' ? draft.calendar : draft.item);
    const published = publishedDocument(deps, (await store.state()).calendars, draft);
    sendPage(
      res,
      page(res, {
        title: '确认批准并发布',
        en: 'Confirm approve and publish',
        active: 'catalogue',
        body: postForm(
          sessionOf(res),
          `/console/catalogue/drafts/${id}/approve`,
          html`<p
              id="approve-summary"
              tabindex="-1"
              autofocus
              data-publishes="${draft.kind === 'item' ? `v${draft.baseVersion + 1}` : `${draft.year ?? ''}`}"
            >
              批准草稿 <code>${id}</code>（作者
              ${draft.author}${draft.note ? `：${draft.note}` : ''}）并立即发布
              <strong>${what.zh}</strong
              >。发布后各网关即按新版本受理，不能撤回，只能再提交一份草稿。
              <span class="en"
                >Approve draft ${id} by ${draft.author} and publish ${what.en} now: every gateway
                serves it at once; it cannot be undone, only changed by another draft.</span
              >
            </p>
            ${warning ?? ''}
            <h2>${label('变更内容', 'What changes')}</h2>
            ${
              draft.kind === 'item' && draft.validation
                ? html`<h3>${label('兼容性报告', 'Compatibility report')}</h3>
                    ${changesTable(draft.validation.compatibility.changes)}`
                : ''
            }
            <div class="actions">
              <button
                type="submit"
                class="primary"
                id="approve-confirm"
                ${warning ? html`aria-describedby="approve-summary approve-breaking"` : html`aria-describedby="approve-summary"`}
              >
                确认批准并发布 <span class="en">Approve and publish</span>
              </button>
              <a href="/console/catalogue/drafts/${id}" id="approve-cancel"
                >取消 <span class="en">Cancel</span></a
              >
            </div>
            <h3>${label('与已发布版本逐行对比', 'Line by line against the published version')}</h3>
            ${diffView(published, document)}`,
          { id: 'approve-form', className: 'card' },
        ),
      }),
    );
  };
}
