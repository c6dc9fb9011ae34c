// What a catalogue draft request carries (gateway/console/README.md#catalogue-drafts): the form
// (parsed with its own size limit, since it holds a whole item document), its JSON document read
// into the use case's DraftInput — a clear 400 when it is not JSON — and the draft named in the
// path, loaded through the use case so its rights and audit apply. Also how a document is shown
// as text, the same way in the editor, the read-only view and the diff.
import type { Response } from 'express';
import express from 'express';
import type { DraftInput, DraftView } from '../catalogue/admin/catalogue-admin.ts';
import { operatorRequest, type ConsoleDeps } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { formText } from './forms.ts';

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
export const MAX_DOCUMENT_CHARS = 1_500_000;

/** A document as the editor and the diff show it: JSON indented by two; nothing for none. */
export const pretty = (value: unknown) =>
  value === undefined ? '' : JSON.stringify(value, null, 2);

/** The document text as typed, parsed; a clear 400 when it is not JSON. */
export function parseDocument(text: string): unknown {
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

/**
 * The form's fields as a DraftInput; with `fixed`, an existing draft, whose kind, item code and
 * base version the form cannot change.
 */
export function inputOf(body: unknown, fixed?: DraftView): DraftInput {
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

/** The draft a URL names; an id that cannot be one is a 404 before the store is asked. */
export async function loadDraft(
  deps: ConsoleDeps,
  res: Response,
  draftId: string,
): Promise<DraftView> {
  if (!DRAFT_ID.test(draftId))
    throw new ConsoleError(
      404,
      `没有草稿 ${draftId.slice(0, 40)}`,
      `No draft ${draftId.slice(0, 40)}`,
    );
  return deps.services.catalogueAdmin.getDraft(operatorRequest(res), draftId);
}
