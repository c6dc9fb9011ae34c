// Chinese names the console shows beside codes: case statuses, 督办 states, rectification
// statuses and provinces (a code the table does not know is shown as it is).
import { CHINA_PROVINCES } from '../divisions/china-provinces.ts';
import { html, type SafeHtml } from './html.ts';

export const STATUS_ZH: Readonly<Record<string, string>> = {
  SUBMITTED: '已提交',
  ACCEPTED: '已受理',
  REJECTED: '已拒收',
  ROUTED: '已分流',
  DELIVERED: '已送达',
  DELIVERY_FAILED: '送达失败',
  IN_PROGRESS: '办理中',
  CORRECTION_REQUIRED: '需补正',
  SUSPENDED: '中止',
  NOT_ACCEPTED: '不予受理',
  DECIDED: '已出结果',
  RESULT_DELIVERED: '结果已送达',
  CLOSED: '已办结',
};

export const STATE_ZH: Readonly<Record<string, [string, string]>> = {
  open: ['在办', 'open'],
  warning: ['预警', 'warning'],
  overdue: ['超期', 'overdue'],
  escalated: ['通报', 'escalated'],
};

export const RECTIFICATION_STATUS_ZH: Readonly<Record<string, string>> = {
  OPEN: '待回访',
  VISITED: '已回访',
  RECTIFIED: '已整改',
  EXPLAINED: '已说明',
  APPEALED: '申诉中',
  VOIDED: '已撤销',
  CLOSED: '已关闭',
};

/** The five levels of GB/T 39734 (gateway/evaluations/evaluation.ts); 1–2 are 差评. */
export const LEVEL_ZH: Readonly<Record<number, string>> = {
  1: '非常不满意',
  2: '不满意',
  3: '基本满意',
  4: '满意',
  5: '非常满意',
};

/** The rated party of a 差评 (gateway/evaluations/evaluation.ts RATED_PARTIES). */
export const RATED_ZH: Readonly<Record<string, string>> = {
  handling: '办理方',
  collecting: '收件方',
};

/** 督办 notices (gateway/supervision/supervision-notice.ts): each raised flag sends one. */
export const NOTICE_TYPE_ZH: Readonly<Record<string, [string, string]>> = {
  warning: ['预警', 'warning'],
  urge: ['催办', 'urge'],
  escalation: ['通报', 'escalation'],
};

/** A rectification's status as a badge: `申诉中 APPEALED`. */
export function rectificationBadge(status: string): SafeHtml {
  const tone =
    status === 'CLOSED' || status === 'VOIDED' ? 'ok' : status === 'APPEALED' ? 'warn' : '';
  return html`<span class="badge ${tone}" data-status="${status}"
    >${RECTIFICATION_STATUS_ZH[status] ?? status} <span class="en">${status}</span></span
  >`;
}

export function provinceName(code: string): string {
  return CHINA_PROVINCES.get(code) ?? code;
}

const BAD = new Set(['DELIVERY_FAILED', 'REJECTED', 'NOT_ACCEPTED']);
const GOOD = new Set(['CLOSED', 'DECIDED', 'RESULT_DELIVERED']);

/** A status badge: `办理中 IN_PROGRESS`. */
export function statusBadge(status: string): SafeHtml {
  const tone = BAD.has(status) ? 'bad' : GOOD.has(status) ? 'ok' : '';
  return html`<span class="badge ${tone}" data-status="${status}"
    >${STATUS_ZH[status] ?? status} <span class="en">${status}</span></span
  >`;
}

/** 督办 flags as badges; nothing when none is raised. */
export function flagBadges(flags: Readonly<Record<string, boolean>> | undefined): SafeHtml {
  // In the order they are raised (warning, overdue, escalated), whatever order the record keeps.
  const order = Object.keys(STATE_ZH);
  const raised = Object.entries(flags ?? {})
    .filter(([, on]) => on)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  if (raised.length === 0) return html`<span class="muted">无 <span class="en">none</span></span>`;
  return html`${raised.map(([flag]) => {
    const [zh, en] = STATE_ZH[flag] ?? [flag, flag];
    return html`<span class="badge ${flag === 'warning' ? 'warn' : 'bad'}" data-flag="${flag}"
      >${zh} <span class="en">${en}</span></span
    > `;
  })}`;
}

/** Audit actions in Chinese (gateway/README.md#audit-chain); `queue.<method>` is a Bull Board change. */
export const AUDIT_ACTION_ZH: Readonly<Record<string, string>> = {
  'console.sign-in': '登录',
  'console.sign-out': '退出',
  'console.lock-out': '登录锁定',
  'console.post': '无效表单提交',
  'case.read-unmasked': '查看办件个人信息',
  'dead-letter.read-unmasked': '查看死信原文',
  'dead-letter.list-unmasked': '查看死信列表原文',
  'dead-letter.replay': '重放死信',
  'dead-letter.replay-bulk': '批量重放死信',
  'callback.replay': '重放门户回调',
  'callback.replay-bulk': '批量重放门户回调',
  'rectification.read-unmasked': '查看整改个人信息',
  'rectification.list-unmasked': '查看整改列表个人信息',
  'rectification.appeal-decision': '裁定申诉',
  'audit.read': '查看审计',
  'audit.verify': '校验审计链',
  'data-keys.census': '密钥统计',
  'data-keys.reseal': '重新加密',
  'catalogue.review': '查看审核队列',
  'catalogue.draft.check': '校验草稿（实时）',
  'catalogue.draft.create': '创建目录草稿',
  'catalogue.draft.update': '保存目录草稿',
  'catalogue.draft.validate': '校验目录草稿',
  'catalogue.draft.submit': '提交审核',
  'catalogue.draft.approve': '审核通过并发布',
  'catalogue.draft.reject': '审核驳回',
};

/** An audit action's Chinese name: `queue.<method>` is a queue change in Bull Board. */
export function auditActionName(action: string): string | undefined {
  return AUDIT_ACTION_ZH[action] ?? (action.startsWith('queue.') ? '队列操作' : undefined);
}

/** Each operator right in Chinese and English (gateway/README.md#operator-rights). */
export const RIGHT_LABELS: Readonly<Record<string, [string, string]>> = {
  'catalogue:edit': ['编辑目录', 'edit the catalogue'],
  'catalogue:approve': ['审核目录', 'approve catalogue drafts'],
  replay: ['重放死信与失败回调', 'replay dead letters and failed portal callbacks'],
  unmask: ['查看个人信息', 'unmask personal data'],
  'audit:read': ['查看审计', 'read the audit log'],
  appeal: ['裁定申诉', 'decide appeals'],
  'data-keys': ['重新加密数据', 're-seal data under a new key'],
};
