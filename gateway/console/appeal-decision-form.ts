// The 申诉复核 form on a rectification's page (gateway/console/README.md#pages): an operator
// holding `appeal` upholds or rejects an appealed 差评 with a note. The form's fields are the
// API's body (APPEAL_DECISION_SCHEMA, compiled once by the request ajv, so the console takes what
// POST /v1/rectifications/{id}/appeal-decision takes and names a bad field by the same JSON
// pointer); the console adds one rule of its own, as for every reason it asks: a note of at least
// MIN_NOTE characters, since the note is what the province and the audit later read as the why.
import { createRequestAjv } from '../catalogue/create-ajv.ts';
import { toFieldProblems } from '../catalogue/field-problems.ts';
import { refusedText } from '../http/json-scan.ts';
import type { FieldProblem } from '../shared/errors.ts';
import {
  APPEAL_DECISION_SCHEMA,
  type AppealDecisionBody,
} from '../rectifications/rectification-bodies.ts';
import type { ConsoleSession } from './console-sessions.ts';
import { formText, postForm } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label } from './layout.ts';

const MIN_NOTE = 4;
const MAX_NOTE = APPEAL_DECISION_SCHEMA.properties.note.maxLength;

export type AppealDecisionInput =
  | { ok: true; body: AppealDecisionBody }
  | { ok: false; typed: { decision: string; note: string }; problems: FieldProblem[] };

/** Reads an appeal decision form; compile once (per console router), call per request. */
export function appealDecisionReader(): (form: unknown) => AppealDecisionInput {
  const validate = createRequestAjv().compile<AppealDecisionBody>(APPEAL_DECISION_SCHEMA);
  return (form) => {
    // Read past the schema's limit, so a note too long is named rather than cut silently.
    const typed = { decision: formText(form, 'decision', 50), note: formText(form, 'note', 4000) };
    const body = { decision: typed.decision, ...(typed.note ? { note: typed.note } : {}) };
    const problems = validate(body) ? [] : toFieldProblems(validate.errors);
    // What the API's body scan refuses in any string (http/json-scan.ts), which a form skips.
    problems.push(...refusedText(typed.note, '/note', 1));
    if (typed.note && [...typed.note].length < MIN_NOTE) {
      problems.push({
        path: '/note',
        message: `must be at least ${MIN_NOTE} characters`,
        messageZh: `裁决理由至少 ${MIN_NOTE} 个字`,
        keyword: 'minLength',
      });
    }
    return problems.length === 0
      ? { ok: true, body: body as AppealDecisionBody }
      : { ok: false, typed, problems };
  };
}

const FIELD_ZH: Readonly<Record<string, string>> = { '/decision': '裁决', '/note': '裁决理由' };

/**
 * The problems of a refused form, each naming its field by pointer and in Chinese. The form sits
 * below the facts it decides on, so the refused page focuses this summary, which scrolls it into
 * view (autofocus, no script; tabindex -1 makes a div focusable): otherwise the problems were out
 * of view, under the facts and the timeline, and the page looked unanswered. Not a fragment on the
 * form's action: a document opened at a fragment skips autofocus (HTML, "flush autofocus
 * candidates"), and the focus is what a screen reader follows.
 */
function problemList(problems: readonly FieldProblem[]): SafeHtml {
  return html`<div class="notice error" id="decision-problems" role="alert" tabindex="-1" autofocus>
    <p>裁决未提交，请修改以下内容 <span class="en">Not decided: correct these fields</span></p>
    <ul>
      ${problems.map(
        (p) =>
          html`<li data-field="${p.path}">
            ${FIELD_ZH[p.path] ?? ''} <code>${p.path || '/'}</code>：${p.messageZh}
            <span class="en">${p.message}</span>
          </li>`,
      )}
    </ul>
  </div>`;
}

/** The form itself; `refused` puts back what a refused form held, under its problems. */
export function appealDecisionForm(
  session: Pick<ConsoleSession, 'csrf'>,
  rectificationId: string,
  refused?: { typed: { decision: string; note: string }; problems: readonly FieldProblem[] },
): SafeHtml {
  const typed = refused?.typed ?? { decision: '', note: '' };
  const choice = (value: string, zh: string, en: string, [hintZh, hintEn]: [string, string]) =>
    html`<label class="choice">
      <input
        type="radio"
        name="decision"
        value="${value}"
        id="decision-${value}"
        required
        ${typed.decision === value ? 'checked' : ''}
      />
      ${zh} <span class="en">${en}</span>
      <span class="muted">${hintZh} <span class="en">${hintEn}</span></span>
    </label>`;
  return postForm(
    session,
    `/console/board/rectifications/${rectificationId}/appeal-decision`,
    html`<h2>${label('申诉复核', 'Decide the appeal')}</h2>
      ${refused ? problemList(refused.problems) : ''}
      <p class="muted">
        裁决将记入审计日志
        <span class="en">The decision is audited under your id.</span>
      </p>
      <fieldset>
        <legend>裁决 <span class="en">Decision</span></legend>
        ${choice('upheld', '申诉成立', 'Upheld', [
          '差评不实：作废，不计入统计',
          'the 差评 is untrue: voided, out of the statistics',
        ])}
        ${choice('rejected', '申诉不成立', 'Rejected', [
          '继续整改，期限顺延复核天数',
          'the rectification goes on, its deadlines moved by the working days under review',
        ])}
      </fieldset>
      <label for="note">裁决理由 <span class="en">Note</span></label>
      <textarea id="note" name="note" required minlength="${MIN_NOTE}" maxlength="${MAX_NOTE}">
${typed.note}</textarea>
      <div class="actions">
        <button type="submit" class="primary" id="decide">
          提交裁决 <span class="en">Decide</span>
        </button>
      </div>`,
    { id: 'appeal-decision', className: 'card' },
  );
}
