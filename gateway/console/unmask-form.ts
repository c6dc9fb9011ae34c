// The console's "unmask" step, one home for every page that shows personal data masked (a case, a
// dead letter, a rectification): the form asking an operator holding `unmask` for the reason the audit entry will
// carry, and the check that the reason is long enough to mean something. The POST's right is
// checked (refused and audited) by unmask-once.ts before the reason is read, for every page alike;
// the reading is audited by the action the page's GET runs (auditedAction).
import type { Response } from 'express';
import { can, sessionOf } from './console-context.ts';
import { ConsoleError } from './console-error.ts';
import { formReason } from './form-reason.ts';
import { postForm } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label } from './layout.ts';

const MIN_REASON = 4;
const MAX_REASON = 500;

/** The form, or '' for an operator without `unmask` or a page already unmasked. */
export function unmaskForm(
  res: Response,
  action: string,
  text: { heading: [zh: string, en: string]; button: string },
): SafeHtml | '' {
  if (!can(res, 'unmask')) return '';
  return postForm(
    sessionOf(res),
    action,
    html`<h2>${label(...text.heading)}</h2>
      <p class="muted">
        查看将记入审计日志
        <span class="en">Each unmasked reading is audited with your reason.</span>
      </p>
      <label for="reason">查看理由 <span class="en">Reason</span></label>
      <textarea
        id="reason"
        name="reason"
        required
        minlength="${MIN_REASON}"
        maxlength="${MAX_REASON}"
      ></textarea>
      <div class="actions">
        <button type="submit" class="danger" id="unmask">
          ${text.button} <span class="en">Unmask</span>
        </button>
      </div>`,
    { id: 'unmask-form', className: 'card' },
  );
}

/**
 * The reason an unmask form sent, from an operator already found to hold `unmask`
 * (unmaskOnce().reason): one of MIN_REASON characters, 400 otherwise.
 */
export function unmaskReason(req: { body: unknown }): string {
  const reason = formReason(req.body, 'reason', MAX_REASON);
  if (reason.length < MIN_REASON) {
    throw new ConsoleError(
      400,
      `请填写查看理由（至少 ${MIN_REASON} 个字）`,
      `Give a reason of at least ${MIN_REASON} characters`,
    );
  }
  return reason;
}
