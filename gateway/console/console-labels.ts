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
  const raised = Object.entries(flags ?? {}).filter(([, on]) => on);
  if (raised.length === 0) return html`<span class="muted">无 <span class="en">none</span></span>`;
  return html`${raised.map(([flag]) => {
    const [zh, en] = STATE_ZH[flag] ?? [flag, flag];
    return html`<span class="badge ${flag === 'warning' ? 'warn' : 'bad'}" data-flag="${flag}"
      >${zh} <span class="en">${en}</span></span
    > `;
  })}`;
}

/** An ISO time as China time, `2026-12-01 18:30`. */
export function chinaTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
