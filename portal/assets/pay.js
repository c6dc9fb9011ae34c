// The 异地电子缴税 page (README.md#the-taxpayer-portal): builds the form from the item's published
// schema, keeps 本次缴款金额 as the lines' sum in fen, and submits through the portal's server with
// one Idempotency-Key per form submission (a new one after a refusal, the same one when the
// network failed, so a resend can never pay twice). A refusal's Chinese messages go beside their
// fields. Its button shows the review (pay-review.js), whose 确认缴款 sends: nothing moves before.
import { api, loadLabels, loginAgain } from './api.js';
import { asAmount, fenToAmount, formatYuan, sumFen } from './money.js';
import { dropDraft, keepDraft, takeDraft } from './pay-draft.js';
import { writeReview } from './pay-review.js';
import { buildSchemaForm } from './schema-form.js';

const form = document.getElementById('pay-form');
const fieldsBox = document.getElementById('form-fields');
const problemsBox = document.getElementById('form-problems');
// The form's button opens the review (核对缴款信息); the review's 确认缴款 sends.
const reviewButton = document.getElementById('review-payment');
const reviewBox = document.getElementById('pay-review');
const submit = document.getElementById('submit-payment');
const back = document.getElementById('review-back');
const totalYuan = document.getElementById('total-yuan');
const totalWords = document.getElementById('total-words');
const LINES = '/payload/lines';
const TOTAL = '/payload/totalAmount';
const REGION = '/payload/project/region';
const LINE_AMOUNT = /^\/payload\/lines\/[0-9]+\/amount$/;

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The summary above the form. `toView`: brought into view and focused, for a refusal that names
 * no field — on a phone the taxpayer pressed 确认缴款 a screen or more below it, and saw only the
 * button come back (a refused field is focused instead, schema-form.js).
 */
function showSummary(title, items = [], toView = false) {
  problemsBox.replaceChildren(document.createTextNode(title));
  if (items.length > 0) {
    const list = document.createElement('ul');
    for (const text of items) {
      const li = document.createElement('li');
      li.textContent = text;
      list.append(li);
    }
    problemsBox.append(list);
  }
  problemsBox.hidden = false;
  if (toView) problemsBox.focus();
}

const retry = form.dataset.retry;
const [answer, labels] = await Promise.all([
  api(`/api/forms/payment${retry ? `?retry=${encodeURIComponent(retry)}` : ''}`),
  loadLabels(),
]);

if (answer.status !== 200) {
  // No form, so no total and nothing to confirm: the message and the way home stay.
  fieldsBox.replaceChildren();
  document.getElementById('total-bar').hidden = true;
  reviewButton.hidden = true;
  showSummary(answer.body?.title ?? '暂时无法读取事项规范，请稍后再试');
} else {
  const spec = answer.body;
  // What this taxpayer typed before their session ended (pay-draft.js), in place of the defaults;
  // the fields the login fixes (the taxpayer) come from the login as always.
  const kept = takeDraft(spec.values?.taxpayerId, retry ?? '');
  const values = kept
    ? { ...kept.values, taxpayerId: spec.values.taxpayerId, taxpayerName: spec.values.taxpayerName }
    : spec.values;
  // Nothing was sent under the kept key (refused before the gateway), so it stays the form's.
  let submissionKey = kept?.submissionKey ?? newKey();
  // Whether a 确认缴款 under this key may have been taken: while it is, the kept form says so.
  let pending = kept?.pending === true;
  if (kept) {
    const restored = document.getElementById('restored-notice');
    restored.textContent = kept.pending
      ? '上次确认缴款后页面被刷新或关闭，未能确认是否已受理。已恢复您填写的内容，可再次确认缴款，同一笔缴款只会受理一次。'
      : kept.typed && kept.reviewing
        ? '已恢复您正在核对的缴款信息（页面曾刷新或离开），缴款尚未提交。请核对后确认缴款。'
        : kept.typed
          ? '已恢复您在本页填写但尚未提交的内容（页面曾刷新或离开），缴款尚未提交。请核对后确认缴款。'
          : '登录已超时，重新登录后已恢复您填写的内容，缴款尚未提交。请核对后再次确认缴款。';
    const startOver = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'secondary start-over',
      textContent: '清空，重新填写',
    });
    startOver.addEventListener('click', () => {
      dropDraft();
      window.location.reload();
    });
    restored.append(document.createElement('br'), startOver);
    restored.hidden = false;
  }
  if (spec.relatedCaseId) {
    const banner = document.getElementById('retry-banner');
    // The case id ends the sentence, a link in monospace: it fits a 320 px phone's banner whole
    // (followed by 。 it ran out of the box, as the full stop may not start a line).
    const original = document.createElement('a');
    original.href = `/cases/${encodeURIComponent(spec.relatedCaseId)}`;
    original.append(
      Object.assign(document.createElement('code'), { textContent: spec.relatedCaseId }),
    );
    banner.replaceChildren(
      '重新缴款：请核对三方协议号和缴款账户后再确认缴款。本次提交将关联原办件 ',
      original,
    );
    banner.hidden = false;
  }
  // The names of the places the form has met: the server's for the code the form opens with, and
  // one asked for each other code typed (the division table stays on the server, place-names.ts).
  const places = { ...spec.places };
  const schemaForm = buildSchemaForm(fieldsBox, {
    schema: spec.schema,
    definitions: spec.definitions,
    values,
    fixed: spec.fixed,
    // 项目所在地 said by name under its code (530323 → 云南省曲靖市师宗县), as the bank by its 行号.
    labels: { ...labels, region: places },
    // A new line belongs to the agreement's tax authority unless the taxpayer says otherwise.
    newRow: (pointer) =>
      pointer === LINES
        ? { taxAuthorityCode: schemaForm.control('/payload/agreementTaxAuthorityCode')?.value }
        : {},
  });

  const region = schemaForm.control(REGION);
  region?.addEventListener('input', async () => {
    const code = region.value.trim();
    if (!/^[0-9]{6}$/.test(code) || code in places) return;
    const named = await api(`/api/places/${code}`);
    if (named.status !== 200) return;
    places[code] = named.body.name;
    // Said once the name is here, if the code is still the one typed.
    if (region.value.trim() === code) region.dispatchEvent(new Event('input', { bubbles: true }));
  });

  // 本次缴款金额 takes the place of the total's own field, which keeps its (hidden) value and
  // its place for the gateway's message (a total that is not the lines' sum).
  const bar = document.getElementById('total-bar');
  const totalField = fieldsBox.querySelector(`[data-field="${TOTAL}"]`);
  if (totalField) {
    const input = schemaForm.control(TOTAL);
    input.type = 'hidden';
    bar.append(input, totalField.querySelector('.field-error'));
    totalField.replaceWith(bar);
  }

  const updateTotal = () => {
    const lines = schemaForm.values().lines ?? [];
    const fen = sumFen(lines.map((line) => asAmount(line.amount)));
    const total = schemaForm.control(TOTAL);
    if (fen === null) {
      totalYuan.textContent = '—';
      totalWords.textContent = '请在每行填写实缴金额（元，保留两位小数）';
      if (total) total.value = '';
      return;
    }
    totalYuan.textContent = formatYuan(fen);
    totalWords.textContent = `共 ${lines.length} 行`;
    if (total) total.value = fenToAmount(fen);
  };
  schemaForm.onChange(updateTotal);
  updateTotal();

  // A line's amount in whole yuan (38400) is written with its two places (38400.00) once the field
  // is left, and before sending: the total counts it at once, and what is sent is what is shown.
  const wholeYuanToAmount = (input) => {
    const amount = asAmount(input.value);
    if (amount === input.value) return;
    input.value = amount;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  fieldsBox.addEventListener('change', (event) => {
    if (LINE_AMOUNT.test(event.target.dataset?.pointer ?? '')) wholeYuanToAmount(event.target);
  });
  const amountsAsSent = () =>
    fieldsBox.querySelectorAll('[data-pointer$="/amount"]').forEach((input) => {
      if (LINE_AMOUNT.test(input.dataset.pointer)) wholeYuanToAmount(input);
    });

  // What is typed is kept in the tab as it is typed, so a reload, the back button or a link away
  // and back puts it back (the form is built by this script, which the browser's own form
  // restoring does not reach, and the page is no-store, so it leaves the back-forward cache):
  // before, all of it was gone. Put back, it is kept again at once, for the next reload. Whether
  // the review was open is kept with it: reloaded there, the page opens the review again (it gave
  // the form back, and the clerk who had checked the sum had to press 核对缴款信息 again).
  let reviewing = false;
  const keepTyped = () =>
    keepDraft({
      taxpayerId: spec.values?.taxpayerId,
      retry: retry ?? '',
      submissionKey,
      values: schemaForm.values(),
      pending,
      typed: true,
      reviewing,
    });
  schemaForm.onChange(keepTyped);
  if (kept) keepTyped();
  reviewButton.disabled = false;

  /** The form again, as it was left (its values never left the page), or the review. */
  const showForm = (focus) => {
    reviewBox.hidden = true;
    form.hidden = false;
    reviewing = false;
    keepTyped();
    if (focus) reviewButton.focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    amountsAsSent();
    problemsBox.hidden = true;
    const values = schemaForm.values();
    const totalFen = sumFen((values.lines ?? []).map((line) => line.amount ?? ''));
    writeReview(reviewBox, { values, labels, places, totalFen, totalWords: '' });
    form.hidden = true;
    reviewBox.hidden = false;
    reviewing = true;
    keepTyped();
    // Read from its title, and in view: on a phone the button pressed was a screen below it.
    document.getElementById('review-title').focus();
    if (totalFen !== null) {
      // An ended session is met by 确认缴款, which keeps the form first: not here (keepPage).
      const words = await api(`/api/amount-in-words?amount=${fenToAmount(totalFen)}`, {
        keepPage: true,
      });
      if (words.status === 200)
        document.getElementById('review-words').textContent = words.body.words;
    }
  });
  back.addEventListener('click', () => showForm(true));
  // Reloaded (or come back to, or back from a login that timed out) while reviewing, or while
  // 确认缴款 awaited its answer (pressed on the review): the review again, 确认缴款 one press away.
  if (kept?.reviewing || kept?.pending) form.requestSubmit();

  // One payment per press: the button waits for the answer, and a press meanwhile sends nothing.
  let sending = false;
  submit.addEventListener('click', async () => {
    if (sending) return;
    sending = true;
    try {
      await send();
    } finally {
      sending = false;
    }
  });

  async function send() {
    submit.disabled = true;
    back.disabled = true;
    submit.textContent = '正在提交…';
    schemaForm.clearProblems();
    problemsBox.hidden = true;
    const draft = { taxpayerId: spec.values?.taxpayerId, retry: retry ?? '', submissionKey };
    // Kept while the answer is awaited: a reload now reopens the form under this key (pay-draft.js).
    pending = true;
    keepDraft({ ...draft, values: schemaForm.values(), pending: true, reviewing: true });
    const res = await api('/api/payments', {
      method: 'POST',
      body: {
        values: schemaForm.values(),
        submissionKey,
        itemVersion: spec.item.version,
        ...(spec.relatedCaseId ? { relatedCaseId: spec.relatedCaseId } : {}),
      },
      keepPage: true,
    });
    if (res.status === 202) {
      dropDraft();
      window.location.assign(`/cases/${res.body.caseId}`);
      return;
    }
    // The session ended (401) or was renewed in another tab (403 PORTAL_CSRF: this page's token is
    // the old session's): the form goes with the taxpayer through the login and comes back — on
    // the review, where 确认缴款 was pressed, as after an ordinary reload (it came back as the form,
    // and the clerk had to press 核对缴款信息 again to reach the button they had pressed).
    const loggedOut = res.status === 401;
    if (loggedOut || (res.status === 403 && res.body?.code === 'PORTAL_CSRF')) {
      pending = false;
      if (keepDraft({ ...draft, values: schemaForm.values(), reviewing: true })) {
        if (loggedOut) loginAgain();
        else window.location.reload();
        return;
      }
      showSummary(
        '登录已超时，本页填写的内容无法自动保存：请在新窗口重新登录后，回到本页再次确认缴款',
        [],
        true,
      );
      submit.disabled = false;
      back.disabled = false;
      submit.textContent = '确认缴款';
      return;
    }
    // A refusal goes back to the form, to be corrected where it is said; an answer that may hide a
    // stored payment stays on the review, to be confirmed again under the same key.
    if (res.status >= 400 && res.status < 500) showForm(false);
    // 本次缴款金额 is the page's sum, missing when a line's amount is not one: say what to fill.
    const problems = (res.body?.errors ?? []).map((p) =>
      p.path === TOTAL && p.keyword === 'required'
        ? { ...p, messageZh: '请在每行填写实缴金额（元，保留两位小数），本次缴款金额将自动计算' }
        : p,
    );
    if (problems.length > 0) {
      const unplaced = schemaForm.showProblems(problems);
      showSummary(
        `提交的信息未通过校验，请按提示修改标红的 ${problems.length - unplaced.length} 处后重新提交。`,
        unplaced.map((p) => p.messageZh),
        unplaced.length === problems.length,
      );
    } else if (res.status === 0 || res.status >= 500) {
      // No answer, the platform's answer lost (a 503 after the gateway did not answer in time), or
      // the platform unavailable for a moment (its own 503, passed on): the payment may have been
      // taken, and the resend below goes under the same key.
      showSummary(
        `${res.body?.title ?? '提交失败'}；可再次确认缴款，同一笔缴款只会受理一次`,
        [],
        true,
      );
    } else {
      showSummary(res.body?.title ?? '提交失败，请稍后重试', [], true);
    }
    // A refused body is never stored by the gateway; a network failure may have been, so it keeps
    // its key and a resend is answered with the original case.
    // The refused form stays on the page to be corrected, and in the tab as typed, under its new key.
    if (res.status >= 400 && res.status < 500) {
      submissionKey = newKey();
      pending = false;
      keepTyped();
    }
    submit.disabled = false;
    back.disabled = false;
    submit.textContent = '确认缴款';
  }
}
