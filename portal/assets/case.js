// The live case page (README.md#the-taxpayer-portal): the portal's server pushes the case as the
// gateway has it, over server-sent events, each time a verified callback says it moved. The page
// shows the status, the history, and what the outcome means for the taxpayer: a payment and its
// receipt, a failed deduction explained with a way to retry, a correction to make — and, once the
// case is closed, the 好差评 rating: its form until the case is rated, then 已评价 with the rating
// the gateway kept. A press whose answer never came may be pressed again: the portal sends it under
// the same key, and the gateway answers with the rating it stored (portal/server/case-rating.ts).
// A 差评 opens a rectification, followed here; once the province rectified or explained it, the
// page offers the re-rating that closes it, until it closes (portal/server/case-re-rating.ts).
import { api, label, loadLabels, loginUrl } from './api.js';
import { fieldLimit } from './field-limit.js';
import { formatYuan, toFen } from './money.js';

const page = document.getElementById('case');
const caseId = page.dataset.caseId;
const badge = document.getElementById('status-badge');
const phase = document.getElementById('phase');
const live = document.getElementById('live');
const problem = document.getElementById('case-problem');
const outcome = document.getElementById('outcome');
const related = document.getElementById('related');
const history = document.getElementById('history');
// Shown with the first view: a case that cannot be read has no process to head.
const historyPart = document.getElementById('history-part');
const rating = document.getElementById('rating');
const ratingForm = document.getElementById('rating-form');
const ratingMessage = document.getElementById('rating-message');
const ratingKept = document.getElementById('rating-kept');
const rectification = document.getElementById('rectification');
const reRatingForm = document.getElementById('re-rating-form');
const reRatingMessage = document.getElementById('re-rating-message');
const labels = await loadLabels();

const DONE = new Set(['CLOSED', 'RESULT_DELIVERED', 'DECIDED']);
const ATTENTION = new Set(['CORRECTION_REQUIRED', 'NOT_ACCEPTED', 'DELIVERY_FAILED']);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

// A rating's comment is at most 500 characters, as the gateway counts them (code points). The
// textarea's maxlength cut a longer paste at 500 UTF-16 units without a word (an emoji counts two
// there), and the portal's server cut what passed: the taxpayer's words went unsaid, unnoticed.
// Now nothing is cut: past the limit the field says by how much, and the form is not sent.
const COMMENT_MAX = 500;
function commentField(id) {
  const textarea = document.getElementById(id);
  textarea.after(fieldLimit(textarea, { maxLength: COMMENT_MAX }, el));
  return textarea;
}
const tooLong = (text) => [...text].length > COMMENT_MAX;

/**
 * Sends a form's press once: its button is disabled, and says so, until the answer came. A
 * double-click on 提交评价 sent two POSTs, the second while the first was on its way (the gateway
 * keeps one rating under the portal's one key, but the page raced its own answers). The disabled
 * button loses the focus, and a rated form is hidden under it: the focus then goes back to the
 * button, or to `landing` (what the page says instead of the form), not to the page's start.
 */
function onePressAtATime(form, landing, send) {
  const button = form.querySelector('button[type="submit"]');
  const idle = button.textContent;
  let sending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    const hadFocus = form.contains(document.activeElement);
    button.disabled = true;
    button.textContent = '正在提交…';
    try {
      await send();
    } finally {
      sending = false;
      button.disabled = false;
      button.textContent = idle;
      const lost = !document.activeElement || document.activeElement === document.body;
      if (hadFocus && lost) (form.hidden ? landing() : button).focus();
    }
  });
}

/**
 * A rating sent without a level: says so and puts the focus on the levels, where the choice is
 * made (it stayed on the button, and a keyboard user had to find the levels again), the message
 * read with them.
 */
function chooseLevel(fieldset, say, text) {
  say(text);
  const message = fieldset.form.nextElementSibling;
  fieldset.setAttribute('aria-describedby', message.id);
  fieldset.querySelector('input[type="radio"]')?.focus();
}

function facts(pairs) {
  const list = el('dl', { class: 'facts' });
  for (const [term, value] of pairs)
    if (value)
      list.append(
        el('dt', { text: term }),
        typeof value === 'string' ? el('dd', { text: value }) : el('dd', {}, value),
      );
  return list;
}

const yuan = (amount) => {
  const fen = toFen(amount);
  return fen === null ? '' : formatYuan(fen);
};
/**
 * The bank by its name and 行号 (labels.json): the 行号 alone named nothing to the taxpayer. The 行号
 * in its brackets moves to the next line whole (it broke as 行 / 号 on a 390 px phone).
 */
const bankText = (code) => {
  if (!code) return '';
  const name = labels.bankCode?.[code];
  const number = el('span', { class: 'code', text: `（行号 ${code}）` });
  return name ? el('span', {}, name, number) : number;
};

// The province writes its notes in Chinese for the applicant; the gateway's own bookkeeping notes
// (queue names, "loop closed") are for operators and stay off this page. So is a failed delivery's
// reason ("refused: yn RETCODE -102: 字段校验不通过", the dead letter's): the page says the failure
// in the taxpayer's words (#delivery-failed) instead.
const forTaxpayer = (entry) =>
  entry.note && entry.status !== 'DELIVERY_FAILED' && /[\u4e00-\u9fa5]/u.test(entry.note)
    ? entry.note
    : '';

// A province's note that only says its status again (办理中 under 办理中, 结果已送达 under 结果已送达)
// is left out: shown, each such entry read twice, and the notes that say something (已受理) were
// lost among them.
const repeatsStatus = (entry) => entry.note.trim() === label(labels, 'status', entry.status);

// Codes inside a province's note — an item (SW-009), a masked agreement (************0004), a bureau
// (151****0000) — move to the next line whole: "SW-" on one line and "009" on the next was read as
// two things on a 320 px phone. A code is letters, digits, * and -, four to 32, with a digit: a
// longer run is no code a taxpayer reads out, and kept whole (nowrap) it widened the page past
// the screen (a 200-character run in a note made the case page 2 500 px wide at 390).
const CODE_IN_NOTE = /([A-Za-z0-9*-]*[0-9][A-Za-z0-9*-]*)/;
const CODE_MAX = 32;
function noteText(note) {
  return note
    .split(CODE_IN_NOTE)
    .filter(Boolean)
    .map((part) =>
      part.length >= 4 && part.length <= CODE_MAX && CODE_IN_NOTE.test(part)
        ? el('span', { class: 'code', text: part })
        : part,
    );
}

const retryLink = (text) =>
  el('a', { class: 'button primary', href: `/pay?retry=${caseId}`, id: 'retry-payment', text });

/**
 * The 补正 request the outcome box shows: the latest 需补正 entry of a case awaiting correction.
 * Its note is said there, where the taxpayer acts on it; the history keeps the entry without it
 * (it drew every entry's note, so the province's request was on the page twice).
 */
function correctionShown(view) {
  if (view.status !== 'CORRECTION_REQUIRED') return undefined;
  if (view.result?.outcome === 'paid' || view.result?.outcome === 'failed') return undefined;
  return [...view.history].reverse().find((h) => h.status === 'CORRECTION_REQUIRED');
}

function renderOutcome(view) {
  const result = view.result;
  const retried = view.relatedCases.find((r) => r.relation === 'resubmitted-as');
  const retriedNote = retried
    ? el(
        'p',
        {},
        '已重新提交为办件 ',
        el('a', { href: `/cases/${retried.caseId}`, text: retried.caseId }),
      )
    : null;
  if (result?.outcome === 'paid') {
    return el(
      'div',
      { class: 'success', id: 'outcome-paid' },
      el('strong', { text: '缴款成功' }),
      facts([
        ['电子税票号码', result.taxVoucherNo],
        ['实缴金额', yuan(result.totalAmount)],
        ['扣款日期', result.deductedOn],
        ['入库日期', result.creditedOn],
        ['扣款账户', result.account?.accountNo],
        ['开户银行', bankText(result.account?.bankCode)],
      ]),
      el('a', {
        class: 'button primary',
        href: `/cases/${caseId}/receipt`,
        id: 'open-receipt',
        text: '查看并打印电子缴款凭证',
      }),
    );
  }
  if (result?.outcome === 'failed') {
    return el(
      'div',
      { class: 'alert', id: 'outcome-failed' },
      el('strong', {
        text: result.reasonZh || `扣款失败：${label(labels, 'reason', result.reason)}`,
      }),
      el('p', { text: result.remedyZh }),
      facts([
        ['未扣缴金额', yuan(result.totalAmount)],
        ['三方协议号', result.agreementNo],
        ['扣款账户', result.account?.accountNo],
        ['开户银行', bankText(result.account?.bankCode)],
      ]),
      retriedNote ?? retryLink('重新缴款'),
    );
  }
  if (view.status === 'CORRECTION_REQUIRED') {
    const note = correctionShown(view)?.note;
    return el(
      'div',
      { class: 'notice', id: 'outcome-correction' },
      el('strong', { text: '经营地税务机关要求补正' }),
      el('p', {}, ...noteText(note ?? '')),
      retriedNote ?? retryLink('更正后重新提交'),
    );
  }
  if (view.delivery) return deliveryNotice(view.delivery);
  if (view.status === 'NOT_ACCEPTED' || view.status === 'DELIVERY_FAILED')
    return el(
      'div',
      { class: 'alert' },
      el('strong', { text: label(labels, 'status', view.status) }),
    );
  return null;
}

/**
 * A case its province has not taken (delivery-wait.ts). The gateway retries a province that is
 * down by itself, and the case read carries no attempts: so the page says nothing while a delivery
 * may still be on its way (seconds), then, once the portal's notice time has passed, that the
 * province has not taken it yet and nothing need be done — the taxpayer could not tell "slow" from
 * "stuck" at 已分送经营地. A failed delivery (refused, or retries spent: the read does not say
 * which, and an operator decides what follows) says the tax is not paid and that the platform's
 * staff take it from there.
 */
const HOTLINE = '如长时间未受理，可拨打纳税缴费服务热线 12366 咨询。';
function deliveryNotice(delivery) {
  const platform = `${labels.platform?.[delivery.adapter] ?? '经营地'}平台`;
  if (delivery.state === 'failed')
    return el(
      'div',
      { class: 'alert', id: 'delivery-failed' },
      el('strong', { text: `分送失败：${platform}未能接收本办件` }),
      el('p', {
        text: `办件已保存在跨省通办平台，税款尚未缴纳，请勿重复缴款。平台工作人员将核实原因并处理（如重新分送），本页随之自动更新；${HOTLINE}`,
      }),
    );
  if (delivery.noticeInMs > 0) return null;
  return el(
    'div',
    { class: 'notice', id: 'delivery-waiting' },
    el('strong', { text: `${platform}暂未接收本办件` }),
    el('p', {
      text: `办件已保存，系统将自动重试分送，无需重复缴款；接收后本页自动更新。${HOTLINE}`,
    }),
  );
}

/** The waiting notice is due later than this view: show it then, unless a newer view came. */
let noticeTimer;
function noticeLater(view) {
  clearTimeout(noticeTimer);
  if (view.delivery?.state !== 'waiting' || view.delivery.noticeInMs === 0) return;
  noticeTimer = setTimeout(() => {
    const due = { ...view, delivery: { ...view.delivery, noticeInMs: 0 } };
    outcome.replaceChildren(...[renderOutcome(due)].filter(Boolean));
  }, view.delivery.noticeInMs);
}

function renderRelated(view) {
  if (view.relatedCases.length === 0) return [];
  return view.relatedCases.map((r) =>
    el(
      'p',
      { class: 'muted' },
      r.relation === 'resubmission-of' ? '本办件重新提交自 ' : '已重新提交为 ',
      // A code, as every identifier: moves to the next line whole instead of running out of a
      // 320 px screen (a wide id such as 01M8YK6DWGW821Z did by 10 px).
      el('a', { href: `/cases/${r.caseId}` }, el('code', { text: r.caseId })),
    ),
  );
}

let shown = -1;
function render(view) {
  // A slower, older view never replaces a newer one.
  if (view.history.length < shown) return;
  shown = view.history.length;
  problem.hidden = true;
  badge.textContent = label(labels, 'status', view.status);
  badge.className = `badge${DONE.has(view.status) ? ' done' : ATTENTION.has(view.status) ? ' attention' : ''}`;
  badge.dataset.status = view.status;
  phase.textContent = `当前环节：${view.phase.zh}`;
  outcome.replaceChildren(...[renderOutcome(view)].filter(Boolean));
  noticeLater(view);
  related.replaceChildren(...renderRelated(view));
  const above = correctionShown(view);
  history.replaceChildren(
    ...view.history.map((h) =>
      el(
        'li',
        {},
        // China time as the server wrote it (shownAt, case-view.ts: the gateway's formatter).
        el('time', { datetime: h.at, text: h.shownAt }),
        el('span', { text: label(labels, 'status', h.status) }),
        h !== above && forTaxpayer(h) && !repeatsStatus(h)
          ? el('span', { class: 'note' }, ...noteText(h.note))
          : null,
      ),
    ),
  );
  historyPart.hidden = false;
  rating.hidden = view.status !== 'CLOSED';
  if (view.rating) showRated(view.rating);
  showRectification(view.rectification);
}

/** What each state of a rectification means for the taxpayer, with its deadline (China dates). */
const RECTIFICATION_SAYS = {
  OPEN: (r) => `经营地税务机关将于 ${r.visitDueAt} 前回访您，并于 ${r.dueAt} 前整改或作出说明。`,
  VISITED: (r) => `已回访；经营地税务机关将于 ${r.dueAt} 前整改或作出说明。`,
  RECTIFIED: (r) =>
    r.reRatingDueAt ? `经营地税务机关已整改；${r.reRatingDueAt} 前未复评的，按基本满意记录。` : '',
  EXPLAINED: (r) =>
    r.reRatingDueAt
      ? `经营地税务机关已作出说明；${r.reRatingDueAt} 前未复评的，按基本满意记录。`
      : '',
  APPEALED: () => '经营地税务机关对本评价提出申诉，复核期间整改期限暂停。',
  CLOSED: (r) => (r.reRating ? `${reRatingSays(r.reRating)}。` : '整改已办结。'),
};

/** The re-rating that closed a rectification ({ level, source, shownAt }). */
function reRatingSays(re) {
  const level = label(labels, 'level', re.level);
  return re.source === 'default'
    ? `复评期限内未复评，系统按${level}记录（${re.shownAt}）`
    : `已复评：${level}（${re.shownAt}）`;
}

/** A re-rating is awaited while the province's rectification or explanation is the last move. */
const AWAITS_RE_RATING = new Set(['RECTIFIED', 'EXPLAINED']);

/**
 * The rectification the 差评 opened (回访, 整改 or 说明, case-view.ts), followed live: each of its
 * moves reaches the portal as a callback and the page as a new view. A voided one is said by the
 * rating itself (评价已撤销).
 */
function showRectification(r) {
  // Offered while awaited; the window's end closes it by default, and its callback the form.
  reRatingForm.hidden = !r || !AWAITS_RE_RATING.has(r.status);
  if (!r || r.status === 'VOIDED') {
    rectification.hidden = true;
    return;
  }
  rectification.replaceChildren(
    el('strong', { text: `差评整改：${label(labels, 'rectification', r.status)}` }),
    ' ',
    RECTIFICATION_SAYS[r.status]?.(r) ?? '',
  );
  rectification.dataset.status = r.status;
  // Done in the green of the page's other done states (已办结, 已评价); until then the notice's amber
  // (a closed one stayed amber, as if it still awaited something).
  rectification.className = r.status === 'CLOSED' ? 'success' : 'notice';
  rectification.hidden = false;
}

/**
 * The case is rated: no form, the rating kept ({ level, source?, shownAt?, voided? }; null when not
 * known). A rating an upheld 申诉复核 voided no longer counts, and the platform takes no other for
 * the case, so the page says both rather than 已评价; a message about the rating shown before it was
 * voided (感谢您的评价！) no longer holds, and goes.
 */
function showRated(kept) {
  ratingForm.hidden = true;
  const voided = kept?.voided === true;
  const wasShownCounting = !ratingKept.hidden && ratingKept.dataset.voided !== 'true';
  if (voided && wasShownCounting) {
    ratingMessage.textContent = '';
    ratingMessage.hidden = true;
  }
  if (!kept) ratingKept.textContent = '本办件已评价';
  else {
    const when = kept.shownAt ? `（${kept.shownAt}）` : '';
    const how = kept.source === 'default' ? '，评价期限内未评价，系统默认' : '';
    const level = label(labels, 'level', kept.level);
    ratingKept.textContent = voided
      ? `评价已撤销：${level}${when}经申诉复核认定不属实，不计入好差评统计；本办件不能再次评价`
      : `已评价：${level}${when}${how}`;
  }
  ratingKept.className = voided ? 'notice' : 'success';
  ratingKept.dataset.voided = String(voided);
  ratingKept.hidden = false;
}

/**
 * The portal could not read the case (the gateway unreachable, most often): the stream says why
 * and ends, and the browser opens it again by itself (the server's `retry`), so the case shows
 * once the gateway answers. Before, the page said 读取中… for ever; a case shown already stays.
 */
function unreadable(why) {
  problem.textContent =
    shown < 0
      ? `${why}，办件进度暂时无法显示。页面将自动重试，您的办件不受影响。`
      : `${why}，以下为最近一次读取的办件进度。页面将自动重试。`;
  problem.hidden = false;
  if (shown < 0) {
    badge.textContent = '暂时无法读取';
    badge.className = 'badge attention';
  }
}

/**
 * The stream refused outright (its EventSource closed, not to be reopened by the browser): asks
 * once more with fetch to read why. Refused 429 PORTAL_SESSION_BUSY (this login holds too many
 * live pages, or opened them too often, session-fairness.ts), the page says so — this login, not
 * the platform — shows the case, read once when it showed none yet, and follows again after the
 * Retry-After by itself; a slot free by now is let go at once and followed. Before, a page opened
 * past the bound said 读取中… with nothing of the case until the feed came.
 */
async function refused() {
  live.classList.add('offline');
  live.textContent = '○ 连接中断，正在重连';
  const stop = new AbortController();
  let res;
  try {
    res = await fetch(`/api/cases/${caseId}/stream`, { signal: stop.signal });
  } catch {
    return;
  }
  if (res.status === 401) return void loggedOut();
  if (res.status !== 429) {
    stop.abort();
    if (res.ok) follow();
    return;
  }
  const body = await res.json().catch(() => ({}));
  const seconds = Number(res.headers.get('retry-after')) || 10;
  live.textContent = `○ ${body.title ?? '实时更新暂停'}，${seconds} 秒后自动重试`;
  live.dataset.refused = body.code ?? '';
  setTimeout(follow, seconds * 1000);
  // A case shown already stays (a refused page is one the bound keeps off the gateway's budget).
  if (shown < 0) await readOnce();
}

/**
 * The session ended (401: idle past PORTAL_SESSION_MINUTES) while the page
 * was open, and its feed was refused on reconnecting: the page says so in the payment page's words
 * and offers the login, which comes back here, and stops following — every try would be refused.
 * Before, it fell silent and never followed the case again.
 */
function loggedOut() {
  live.classList.add('offline');
  live.textContent = '○ 登录已超时';
  delete live.dataset.refused;
  // The login a button of its own, not a link inside the sentence: one tap on a phone.
  problem.replaceChildren(
    el('span', {
      text: '登录已超时，办件进度已停止更新，您的办件不受影响。请重新登录后继续查看。',
    }),
    el(
      'span',
      { class: 'actions' },
      el('a', {
        href: loginUrl(),
        id: 'log-in-again',
        class: 'button primary',
        text: '重新登录',
      }),
    ),
  );
  // A case never shown says so, not 读取中… for ever.
  if (shown < 0) {
    badge.textContent = '暂时无法读取';
    badge.className = 'badge attention';
  }
  problem.hidden = false;
}

/** The case as it is now, without the feed; a case that cannot be read says why, as the feed would. */
async function readOnce() {
  const res = await api(`/api/cases/${caseId}`);
  if (res.status === 200) render(res.body);
  else if (res.status !== 401) unreadable(res.body?.title ?? '暂时无法读取办件');
}

function follow() {
  const stream = new EventSource(`/api/cases/${caseId}/stream`);
  let why = '';
  stream.addEventListener('case', (event) => {
    why = '';
    live.classList.remove('offline');
    live.textContent = '● 实时';
    delete live.dataset.refused;
    render(JSON.parse(event.data));
  });
  stream.addEventListener('unreadable', (event) => {
    why = JSON.parse(event.data).title;
    unreadable(why);
  });
  stream.addEventListener('error', () => {
    if (stream.readyState === EventSource.CLOSED) return void refused();
    live.classList.add('offline');
    live.textContent = why ? '○ 正在重试' : '○ 连接中断，正在重连';
  });
}

function setUpRating() {
  const levels = document.getElementById('levels');
  const ratingComment = commentField('rating-comment');
  for (const level of ['5', '4', '3', '2', '1']) {
    const input = el('input', { type: 'radio', name: 'level', value: level, id: `level-${level}` });
    levels.append(el('label', { for: `level-${level}` }, input, label(labels, 'level', level)));
  }
  // A thank-you in green, as the rating it kept; anything else in the notice's amber (it thanked in
  // amber, the colour of a problem).
  const say = (text, kind = 'notice') => {
    ratingMessage.textContent = text;
    ratingMessage.className = kind;
    ratingMessage.hidden = false;
  };
  onePressAtATime(
    ratingForm,
    () => (ratingKept.hidden ? ratingMessage : ratingKept),
    async () => {
      const level = document.querySelector('input[name="level"]:checked')?.value;
      if (!level) return chooseLevel(levels, say, '请选择评价等级');
      const comment = ratingComment.value;
      if (tooLong(comment)) return say(`评价意见最多 ${COMMENT_MAX} 个字符，请删减后再提交`);
      const res = await api(`/api/cases/${caseId}/evaluation`, {
        method: 'POST',
        body: { level: Number(level), comment },
      });
      if (res.status === 201) {
        say('感谢您的评价！', 'success');
        showRated({ level: res.body?.level ?? Number(level), shownAt: res.body?.shownAt });
        // A 差评 opened a rectification, which no callback announces (only its later moves): read
        // the case again to show it.
        if (Number(level) <= 2) {
          const again = await api(`/api/cases/${caseId}`);
          if (again.status === 200) showRectification(again.body.rectification);
        }
      } else if (res.status === 409 && res.body?.code === 'PORTAL_ALREADY_RATED') {
        // Rated before (an earlier press with another level, or by default): the kept rating stands.
        say('本办件已评价过，以下为已记录的评价');
        showRated(res.body.rating);
      } else if (res.status === 422 && res.body?.code === 'GW_NOT_EVALUABLE')
        say('本办件暂不能评价（尚未办结，或已过评价期限）');
      else if (res.status === 422) {
        // The rating itself refused (its comment, at /comment): say what, so it can be mended.
        const why = res.body?.errors?.[0]?.messageZh;
        say(`评价内容未被接受${why ? `：评价意见${why}` : ''}，请修改后再提交`);
      } else if (res.status === 0 || res.status >= 500)
        say(`${res.body?.title ?? '评价提交失败'}；可再次提交，评价只记一次`);
      else say(res.body?.title ?? '评价提交失败，请稍后再试');
    },
  );
}

function setUpReRating() {
  const levels = document.getElementById('re-levels');
  const reRatingComment = commentField('re-rating-comment');
  for (const level of ['5', '4', '3', '2', '1']) {
    const id = `re-level-${level}`;
    const input = el('input', { type: 'radio', name: 're-level', value: level, id });
    levels.append(el('label', { for: id }, input, label(labels, 'level', level)));
  }
  // A thank-you in green, as the rating it kept; anything else in the notice's amber (it thanked in
  // amber, the colour of a problem).
  const say = (text, kind = 'notice') => {
    reRatingMessage.textContent = text;
    reRatingMessage.className = kind;
    reRatingMessage.hidden = false;
  };
  onePressAtATime(
    reRatingForm,
    () => reRatingMessage,
    async () => {
      const level = document.querySelector('input[name="re-level"]:checked')?.value;
      if (!level) return chooseLevel(levels, say, '请选择复评等级');
      const comment = reRatingComment.value;
      if (tooLong(comment)) return say(`复评意见最多 ${COMMENT_MAX} 个字符，请删减后再提交`);
      const res = await api(`/api/cases/${caseId}/re-rating`, {
        method: 'POST',
        body: { level: Number(level), comment },
      });
      if (res.status === 200) {
        say('感谢您的复评！整改已办结', 'success');
        if (res.body?.rectification) showRectification(res.body.rectification);
        else reRatingForm.hidden = true;
      } else if (res.status === 409 && res.body?.code === 'PORTAL_ALREADY_RE_RATED') {
        // Closed before the press: by an earlier press, or by default once the window ended.
        say(`${res.body.title}${res.body.rectification?.reRating ? '，以下为已记录的复评' : ''}`);
        if (res.body.rectification) showRectification(res.body.rectification);
        reRatingForm.hidden = true;
      } else if (res.status === 409) {
        say(res.body?.title ?? '本整改暂不能复评');
        if (res.body?.rectification) showRectification(res.body.rectification);
      } else if (res.status === 422) {
        const why = res.body?.errors?.[0]?.messageZh;
        say(`复评内容未被接受${why ? `：复评意见${why}` : ''}，请修改后再提交`);
      } else if (res.status === 0 || res.status >= 500)
        say(`${res.body?.title ?? '复评提交失败'}；可再次提交，复评只记一次`);
      else say(res.body?.title ?? '复评提交失败，请稍后再试');
    },
  );
}

setUpRating();
setUpReRating();
follow();
