// The payment form's typed values across a login (README.md#the-taxpayer-portal): when 确认缴款
// meets an ended session (401) or a session renewed in another tab (403 PORTAL_CSRF), the form is
// kept in this tab's sessionStorage, the taxpayer logs in and comes back to /pay, and the form is
// put back once. Before, the page went to /login and the home page, and everything typed — the
// lines, the agreement, the account — was gone without a word. The draft names the enterprise and
// the retried case it was typed for: a form opened by another login in this tab (a shared
// computer), or for another retry, never receives it, and it is removed whoever opens it first.
// A form is also kept, `pending`, while its 确认缴款 awaits an answer and after an answer that may
// hide a stored payment (none, or a 5xx): a reload or a closed tab in that moment reopens it with
// the same submission key, so sending it again is answered with the case the first send made
// instead of making a second payment (the form started empty under a new key). And a form is kept,
// `typed`, as the taxpayer types it, so a reload or the back button in the middle of the form puts
// it back (before, everything typed was gone); 清空，重新填写 drops it. `reviewing`: the review was
// open, and the page opens it again.
const DRAFT = 'portal-pay-draft';

/** Keeps the form's values; false when the browser refuses storage (the page then stays). */
export function keepDraft(draft) {
  try {
    sessionStorage.setItem(DRAFT, JSON.stringify(draft));
    return true;
  } catch {
    return false;
  }
}

/** The form was answered for good (a case, or a refusal nothing was stored for). */
export function dropDraft() {
  try {
    sessionStorage.removeItem(DRAFT);
  } catch {
    // Nothing kept, nothing to drop.
  }
}

/** The draft typed by `taxpayerId` for `retry` ('' for a new payment), once; else undefined. */
export function takeDraft(taxpayerId, retry) {
  let draft;
  try {
    draft = JSON.parse(sessionStorage.getItem(DRAFT) ?? 'null');
    sessionStorage.removeItem(DRAFT);
  } catch {
    return undefined;
  }
  if (!draft || typeof draft !== 'object' || typeof draft.values !== 'object') return undefined;
  if (draft.taxpayerId !== taxpayerId || draft.retry !== retry) return undefined;
  return draft;
}
