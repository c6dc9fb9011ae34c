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
        '这是永久性拒绝，原样重放会再次被拒。请按省平台返回的代码核对办件，或与该省平台联系，对方确认可以受理后再重放。',
      adviceEn:
        'A permanent refusal: the same case replayed is refused again. Check the code the province returned against the case, or ask the province, and replay once it confirms it will take the case.',
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
    };
  return {
    key: 'other',
    zh: '其他原因',
    en: 'Other',
    adviceZh: '请查看下方的失败原因和办理过程，确认原因已消除后再重放。',
    adviceEn: 'Read the failure and the timeline below; replay once its cause is gone.',
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
