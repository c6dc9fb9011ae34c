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
// This router serves the pages one reads — the drafts, the review queue, a new draft's empty
// editor, one draft (catalogue-draft-page.ts) — and mounts the posts: editing
// (catalogue-draft-edit-routes.ts), then the steps to publishing (catalogue-draft-review-routes.ts).
import type { Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { draftEditRoutes } from './catalogue-draft-edit-routes.ts';
import { editorForm } from './catalogue-draft-editor.ts';
import { loadDraft, pretty } from './catalogue-draft-input.ts';
import { draftPage, draftStatusFilter, draftStatusQuery } from './catalogue-draft-list.ts';
import { draftPageSender, publishedNotice } from './catalogue-draft-page.ts';
import { draftReviewRoutes } from './catalogue-draft-review-routes.ts';
import { can, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { queryText } from './forms.ts';
import { html } from './html.ts';
import { page, sendPage } from './layout.ts';

export function catalogueDraftPages(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const admin = () => deps.services.catalogueAdmin;
  const show = draftPageSender(deps);

  router.get('/catalogue/drafts', async (req, res) => {
    const status = draftStatusQuery(queryText(req.query, 'status', 20));
    const drafts = await admin().listDrafts(operatorRequest(res), {
      status,
      cursor: queryText(req.query, 'cursor', 200) || undefined,
    });
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
          ${draftStatusFilter(status)}
          <section class="card">
            ${draftPage(drafts, '/console/catalogue/drafts', status)}
          </section>`,
      }),
    );
  });

  router.get(
    '/catalogue/review',
    requireRight(deps, 'catalogue:approve', 'catalogue.review'),
    async (req, res) => {
      const drafts = await admin().listDrafts(operatorRequest(res), {
        status: 'in-review',
        cursor: queryText(req.query, 'cursor', 200) || undefined,
      });
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
            <section class="card" id="review-queue">
              ${draftPage(drafts, '/console/catalogue/review')}
            </section>`,
        }),
      );
    },
  );

  // A new item or calendar year: an empty editor, posted to create. With ?from=<draft id>, a
  // rejected draft's text, item code, base version and note, so its author can fix what the
  // reviewer said and submit again (a rejected draft itself stays as it was decided).
  router.get(
    '/catalogue/drafts/new',
    requireRight(deps, 'catalogue:edit', 'catalogue.draft.create'),
    async (req, res) => {
      const from = queryText(req.query, 'from', 40);
      if (from) {
        const rejected = await loadDraft(deps, res, from);
        if (rejected.status !== 'rejected')
          throw new ConsoleError(
            409,
            `草稿 ${rejected.draftId} 未被退回，无需重新起草`,
            `Draft ${rejected.draftId} was not rejected: there is nothing to draft again`,
          );
        sendPage(
          res,
          page(res, {
            title: '以退回的草稿新建',
            en: 'Draft again from a rejected draft',
            active: 'catalogue',
            body: editorForm(
              res,
              '/console/catalogue/drafts',
              {
                kind: rejected.kind,
                ...(rejected.itemCode
                  ? { itemCode: rejected.itemCode, baseVersion: rejected.baseVersion }
                  : {}),
                note: rejected.note,
                document: pretty(rejected.kind === 'calendar' ? rejected.calendar : rejected.item),
              },
              html`创建草稿 <span class="en">Create draft</span>`,
            ),
          }),
        );
        return;
      }
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

  router.get('/catalogue/drafts/:draftId', async (req, res) => {
    const saved = queryText(req.query, 'saved', 1) === '1';
    const draft = await loadDraft(deps, res, String(req.params.draftId));
    await show(
      res,
      draft,
      saved
        ? html`<p class="notice ok" id="saved">已保存 <span class="en">Saved</span></p>`
        : publishedNotice(draft, queryText(req.query, 'published', 12)),
      saved,
      queryText(req.query, 'validated', 1) === '1',
    );
  });

  router.use(draftEditRoutes(deps));
  router.use(draftReviewRoutes(deps));
  return router;
}
