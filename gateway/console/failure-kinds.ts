// What a dead letter's failure reason means for the operator who must decide whether to replay it,
// in Chinese with English. Which kind a reason is, is decided in one place
// (cases/failure-kind.ts), shared with the API's filter and the bulk replay; this file only names
// each kind and says what to do. The province's own text follows the prefix and stays as it came
// (codes operators look up with the province); only this explanation is the console's.
import { attemptsGivenUp, failureKindOf, type FailureKindKey } from '../cases/failure-kind.ts';
import { html, type SafeHtml } from './html.ts';

export interface FailureKind {
  key: FailureKindKey;
  zh: string;
  en: string;
  /** What to do before replaying. */
  adviceZh: string;
  adviceEn: string;
  /** What the operator confirms before a replay of letters of this kind: one short sentence. */
  checkZh: string;
  checkEn: string;
}

export function failureKind(reason: string | undefined): FailureKind {
  return failureKindNamed(failureKindOf(reason), attemptsGivenUp(reason));
}

/** A kind by its key; `attempts` for a `gave-up` one, when the reason says how many. */
export function failureKindNamed(key: FailureKindKey, attempts?: string): FailureKind {
  if (key === 'refused')
    return {
      key: 'refused',
      zh: '省级平台拒收',
      en: 'Refused by the province',
      adviceZh:
        '省平台明确拒收了这件办件，不是故障：原样重放会再次被拒。请按省平台返回的代码找出原因——办件内容有误的，更正办件（或请申请人补正）；原因不明或在对方的，与该省平台联系。原因消除、对方确认可以受理后，再逐件重放。不提供批量重放。',
      adviceEn:
        'The province refused this case; nothing is down, and the same case replayed is refused again. Find the cause from the code the province returned: correct the case (or ask the applicant to) when its content is wrong, or contact the province when the cause is unclear or on their side. Replay it, one by one, only once the cause is fixed and the province confirms it will take it. There is no bulk replay.',
      checkZh: '请确认拒收的原因已消除（办件已更正，或该省平台已确认可以受理）。',
      checkEn:
        'Make sure the cause of the refusal is fixed (the case corrected, or the province confirms it will take it).',
    };
  if (key === 'gave-up')
    return {
      key: 'gave-up',
      zh: attempts ? `重试 ${attempts} 次后放弃（暂时性故障）` : '重试后放弃（暂时性故障）',
      en: attempts
        ? `Gave up after ${attempts} attempts (a transient fault)`
        : 'Gave up after its attempts (a transient fault)',
      adviceZh:
        '省平台无法连接、超时或出错，已按退避间隔重试。请确认该省平台已恢复（概览页“延迟重试”中该通道为 0）后重放。',
      adviceEn:
        'The province was unreachable, too slow or failing, and every retry failed. Replay once it has recovered (the overview shows no delivery of this adapter waiting to retry).',
      checkZh: '请确认该省平台已恢复。',
      checkEn: 'Make sure the province has recovered first.',
    };
  if (key === 'unreadable')
    return {
      key: 'unreadable',
      zh: '办件数据无法解密',
      en: 'Stored case data unreadable',
      adviceZh:
        '加密该办件的数据密钥未列入 GW_DATA_KEYS。请把该密钥重新列入每个网关和工作进程的 GW_DATA_KEYS 并重启，然后重放。',
      adviceEn:
        'The data key that sealed this case is not listed in GW_DATA_KEYS. List it again on every gateway and worker, restart them, then replay.',
      checkZh: '请确认加密这些办件的数据密钥已重新列入各网关和工作进程的 GW_DATA_KEYS 并已重启。',
      checkEn:
        'Make sure the data key that sealed them is listed in GW_DATA_KEYS again on every gateway and worker, restarted.',
    };
  return {
    key: 'other',
    zh: '其他原因',
    en: 'Other',
    adviceZh: '请查看下方的失败原因和办理过程，确认原因已消除后再重放。',
    adviceEn: 'Read the failure and the timeline below; replay once its cause is gone.',
    checkZh: '请先查看这些办件的失败原因，确认原因已消除。',
    checkEn: 'Read their failures first and make sure the cause is gone.',
  };
}

/** The kind as a badge, for lists. */
export function failureKindBadge(kind: FailureKind): SafeHtml {
  return html`<span
    class="badge ${kind.key === 'gave-up' ? 'warn' : 'bad'}"
    data-failure-kind="${kind.key}"
    >${kind.zh} <span class="en">${kind.en}</span></span
  >`;
}

/** The kind with what to do about it, for a dead letter's page and its replay confirmation. */
export function failureAdvice(kind: FailureKind): SafeHtml {
  return html`<p
    class="notice ${kind.key === 'gave-up' ? 'warn' : 'error'}"
    id="failure-advice"
    data-failure-kind="${kind.key}"
  >
    <strong>${kind.zh}</strong> <span class="en">${kind.en}</span><br />${kind.adviceZh}
    <span class="en">${kind.adviceEn}</span>
  </p>`;
}

/**
 * Each kind among the dead letters, what it means and what to do, for the list's operator (its
 * kinds in the summary): the advice was only on a letter's own page, and a refused letter's line
 * in the summary, which has no bulk replay, said nothing of why or what to do instead.
 */
export function failureKindsHelp(kinds: readonly FailureKindKey[]): SafeHtml | '' {
  if (kinds.length === 0) return '';
  return html`<section class="card" id="failure-kinds-help">
    <h2>各类原因的含义与处理 <span class="en">What each kind means and what to do</span></h2>
    <dl id="failure-kinds">
      ${kinds.map((key) => {
        const kind = failureKindNamed(key);
        // Not the list's badge: a badge does not wrap, and its English is wider than a phone.
        return html`<dt data-failure-kind="${key}">
            <strong>${kind.zh}</strong> <span class="en">${kind.en}</span>
          </dt>
          <dd data-failure-kind="${key}">
            ${kind.adviceZh} <span class="en">${kind.adviceEn}</span>
          </dd>`;
      })}
    </dl>
  </section>`;
}

/** BullMQ's job states, named for operators. */
export const JOB_STATE_ZH: Readonly<Record<string, string>> = {
  completed: '已完成',
  failed: '已失败',
  delayed: '等待重试',
  active: '投递中',
  waiting: '排队中',
  prioritized: '排队中',
  'waiting-children': '等待子任务',
  unknown: '未知',
};
