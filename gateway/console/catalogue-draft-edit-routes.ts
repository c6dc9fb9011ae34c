// Editing a catalogue draft (gateway/console/README.md#catalogue-drafts): creating one — from an
// item page, a draft of the item's latest version; from the new-item or new-calendar editor, its
// document — the editor's live check as it is typed, and saving. A save the use case refuses, or a
// document that is not JSON, answers the editor again with what was typed (catalogue-draft-editor.ts).
import type { Router } from 'express';
import type { DraftInput } from '../catalogue/admin/catalogue-admin.ts';
import { draftItemOf } from '../catalogue/admin/item-version.ts';
import { gatewayRouter } from '../http/router.ts';
import { isGatewayError } from '../shared/errors.ts';
import { conflictReport, refusedEditor, sendRefusedEditor } from './catalogue-draft-editor.ts';
import { inputOf, loadDraft, MAX_DOCUMENT_CHARS } from './catalogue-draft-input.ts';
import { checkInput, validationReport } from './catalogue-draft-validation.ts';
import { operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { requireRight } from './console-guard.ts';
import { CREATION_KEY_FIELD, formText } from './forms.ts';
import { html, type SafeHtml } from './html.ts';

/** Marks the live check's answer as the fragment the editor's script may show. */
const CHECK_FRAGMENT_HEADER = 'X-Console-Fragment';

export function draftEditRoutes(deps: ConsoleDeps): Router {
  const router = gatewayRouter();
  const admin = () => deps.services.catalogueAdmin;

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
      const { draft } = await admin().createDraft(operatorRequest(res), input, key || undefined);
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
  // (Before POST /catalogue/drafts/:draftId, which would take `check` for a draft's id.)
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
      // The script shows only answers marked so: a whole page (the sign-in page a redirect
      // reached, an error page) is not a check's answer (assets/catalogue-editor.js).
      res.set(CHECK_FRAGMENT_HEADER, 'draft-check');
      res.type('html').send(fragment.toString());
    },
  );

  router.post('/catalogue/drafts/:draftId', async (req, res) => {
    const current = await loadDraft(deps, res, String(req.params.draftId));
    const action = `/console/catalogue/drafts/${current.draftId}`;
    const savedAt = formText(req.body, 'savedAt', 40);
    const fields = {
      kind: current.kind,
      draftId: current.draftId,
      ...(current.itemCode ? { itemCode: current.itemCode } : {}),
      ...(savedAt ? { savedAt } : {}),
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
      sendRefusedEditor(res, action, fields, refusal, 400);
      return;
    }
    try {
      await admin().updateDraft(operatorRequest(res), current.draftId, input, savedAt || undefined);
    } catch (error) {
      // The editor was loaded before the draft's last save (another tab of the author's, a save
      // sent at the same moment, or the API): storing this text would undo that save unseen. The
      // use case checks savedAt in the same step as its write, so of two saves made on the same
      // text one is stored and the other lands here. Refused once, the text kept; the page
      // answering carries the new savedAt, so Save again overwrites on purpose.
      if (isGatewayError(error) && error.code === 'GW_DRAFT_SAVED_ELSEWHERE') {
        const now = await loadDraft(deps, res, current.draftId);
        sendRefusedEditor(
          res,
          action,
          { ...fields, savedAt: now.updatedAt },
          html``,
          409,
          conflictReport(now.updatedAt),
        );
        return;
      }
      if (!refusedEditor(res, error, action, fields)) throw error;
      return;
    }
    res.redirect(303, `${action}?saved=1`);
  });
  return router;
}
