// A catalogue draft's way to publishing (gateway/console/README.md#catalogue-drafts): its author
// validates the saved draft and submits it for review; an operator holding catalogue:approve, not
// its author (four-eyes, enforced by the use case), approves — publishing the next version, shown on
// the draft's page — or rejects it with a reason. Each step redirects to the draft's page (303), so
// a reload or the browser's back and forward never sends a step again.
import type { Request, Router } from 'express';
import { gatewayRouter } from '../http/router.ts';
import { approvalSender } from './catalogue-draft-approve-page.ts';
import { loadDraft } from './catalogue-draft-input.ts';
import { can, operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { formReason } from './form-reason.ts';

export function draftReviewRoutes(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const admin = () => deps.services.catalogueAdmin;
  const confirmApproval = approvalSender(deps);

  router.post('/catalogue/drafts/:draftId/validate', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().validateDraft(operatorRequest(res), draftId);
    // To the answer: at the page's top it was a whole editor's height below, out of sight, and the
    // keyboard's place was lost. The page focuses it (autofocus, which scrolls it into view), so
    // Tab goes on from it and a screen reader reads it: a #draft-validation fragment scrolled
    // there, but Chromium's next Tab went back to the page's first stop (the skip link), and a
    // document opened at a fragment skips autofocus.
    res.redirect(303, `/console/catalogue/drafts/${draftId}?validated=1`);
  });

  router.post('/catalogue/drafts/:draftId/submit', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    await admin().submitDraft(operatorRequest(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}`);
  });

  // The confirmation: what the approval publishes and what changes, before its button posts it.
  router.get(
    '/catalogue/drafts/:draftId/approve',
    requireRight(deps, 'catalogue:approve', 'catalogue.draft.approve'),
    async (req, res) => {
      await confirmApproval(res, await loadDraft(deps, res, String(req.params.draftId)));
    },
  );

  // Answered by a redirect, as every step here: the page that says 已发布 is a GET, so reloading
  // it, or back and forward, never sends the approval again (before, the POST drew the page, and
  // a reload answered 409 GW_DRAFT_STATE "the draft is approved", as if the publish had failed).
  router.post('/catalogue/drafts/:draftId/approve', async (req, res) => {
    const draftId = String(req.params.draftId);
    await loadDraft(deps, res, draftId);
    const published = await admin().approveDraft(operatorRequest(res), draftId);
    res.redirect(303, `/console/catalogue/drafts/${draftId}?published=${published.revision}`);
  });

  router.post('/catalogue/drafts/:draftId/reject', async (req: Request, res) => {
    const draftId = String(req.params.draftId);
    const reason = formReason(req.body, 'reason', 500);
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
