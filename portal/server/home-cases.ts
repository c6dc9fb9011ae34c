// The home page's list of my cases (README.md#the-taxpayer-portal): one row per case, the whole row
// its link. Each row names what was paid — the item, the project and the amount sent — beside the
// case id, its status and when it was submitted: a taxpayer with several payments saw only ids and
// times, and could not tell one from another. All of it is what the portal stored at submission
// (portal-cases.ts), none of it personal (the SW-005 schema marks the bank account and, for a
// natural person, the names x-personal; neither is shown here). A record whose sealed values cannot
// be opened (a key dropped) still shows its id, status and time.
import { chinaTime } from '../../gateway/shared/china-time.ts';
import { escapeHtml } from './html.ts';
import { PAYMENT_ITEM } from './payment-envelope.ts';
import type { PortalCase } from './portal-cases.ts';
import { yuanText } from './receipt-page.ts';

const STATUS_ZH: Readonly<Record<string, string>> = {
  ROUTED: '已提交',
  DELIVERED: '已送达经营地',
  IN_PROGRESS: '办理中',
  CORRECTION_REQUIRED: '需补正',
  DECIDED: '已出结果',
  RESULT_DELIVERED: '结果已送达',
  CLOSED: '已办结',
  DELIVERY_FAILED: '送达失败',
  NOT_ACCEPTED: '不予受理',
  SUSPENDED: '中止',
};

/** The items the portal offers, by the name its home page gives them. */
const ITEM_NAMES: Readonly<Record<string, string>> = { [PAYMENT_ITEM]: '异地电子缴税' };

function what(c: PortalCase): string {
  const values = c.values ?? {};
  const project = (values.project ?? {}) as Record<string, unknown>;
  const name = typeof project.name === 'string' ? project.name : '';
  const amount = typeof values.totalAmount === 'string' ? yuanText(values.totalAmount) : '';
  const parts = [
    `<span class="case-item">${escapeHtml(ITEM_NAMES[c.itemCode] ?? c.itemCode)}</span>`,
    name ? `<span class="case-project">${escapeHtml(name)}</span>` : '',
    amount && amount !== '—' ? `<span class="case-amount">${escapeHtml(amount)}</span>` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function homeCaseRows(cases: readonly PortalCase[]): string {
  return cases
    .map(
      (c) =>
        // The whole row is the link: one tap target of 44 px on a phone (portal.css).
        `<li><a href="/cases/${escapeHtml(c.caseId)}" data-case-id="${escapeHtml(c.caseId)}">` +
        `<span class="case-what">${what(c)}</span>` +
        `<code>${escapeHtml(c.caseId)}</code>` +
        ` <span class="badge status-${escapeHtml(c.status)}">${escapeHtml(STATUS_ZH[c.status] ?? c.status)}</span>` +
        // A failed deduction closes as a payment does: the row says it was not paid.
        (c.outcome === 'failed'
          ? ' <span class="badge attention outcome-failed">扣款失败</span>'
          : '') +
        // China time, as the case page and the console show times (the stored time is UTC,
        // and its first 16 characters showed a case submitted at 21:02 as 13:02).
        ` <span class="muted">${escapeHtml(chinaTime(c.submittedAt))}</span></a></li>`,
    )
    .join('');
}
