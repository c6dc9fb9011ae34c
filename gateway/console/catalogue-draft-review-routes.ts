// A catalogue draft's way to publishing (gateway/console/README.md#catalogue-drafts): its author
// validates the saved draft and submits it for review; an operator holding catalogue:approve, not
// its author (four-eyes, enforced by the use case), approves — publishing the next version, shown on
// the draft's page — or rejects it with a reason.
import type { Request, Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { loadDraft } from './catalogue-draft-input.ts';
import type { ShowDraft } from './catalogue-draft-page.ts';
import { can, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { formText } from './forms.ts';
import { html } from './html.ts';

export function draftReviewRoutes(deps: ConsoleDeps, show: ShowDraft): Router {
  const router = gatewayRouter();
  const admin = () => deps.services.catalogueAdmin;

  router.post('/catalogue/drafts/:draftId/validate', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().validateDraft(operatorRequest(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });

  router.post('/catalogue/drafts/:draftId/submit', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().submitDraft(operatorRequest(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });

  router.post('/catalogue/drafts/:draftId/approve', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    const published = await admin().approveDraft(operatorRequest(res), draftId);
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
    await admin().rejectDraft(operatorRequest(res), draftId, reason);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });
  return router;
}
