// The printable receipt of a payment (README.md#the-taxpayer-portal), an 电子缴款凭证 / 完税证明 as
// the tax core reported it (schemas/README.md#result-schemas), built on the server from the
// gateway's masked view: the taxpayer, the authority, the agreement and the masked account, each
// line with its 征收项目 name, and the total in figures and in 人民币大写.
import { toFen } from '../../gateway/catalogue/rules/sum-equals.ts';
import { AMOUNT_IN_WORDS_MAX_FEN, amountInWords } from './amount-in-words.ts';
import type { GatewayCase } from './gateway-link.ts';
import { escapeHtml } from './html.ts';
import { codeWithName, nameOf, type Labels } from './labels.ts';
import { placeText, type PlaceNames } from './place-names.ts';

type Json = Record<string, unknown>;

function text(value: unknown): string {
  return escapeHtml(typeof value === 'string' || typeof value === 'number' ? value : '');
}

/** ¥40,320.00 from "40320.00" (the receipt shows the figures the tax core reported). */
export function yuanText(amount: unknown): string {
  const fen = typeof amount === 'string' ? toFen(amount) : undefined;
  if (fen === undefined) return '—';
  const yuan = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${yuan}.${String(fen % 100n).padStart(2, '0')}`;
}

/**
 * The receipt page's title, which is also the name Chromium offers for 另存为 PDF and prints in the
 * page header: the 扣款日期 and the 电子税票号码 (电子缴款凭证 2026-12-05 35303232612050000001), so a
 * clerk filing a month's vouchers gets one file per payment, in date order. Every receipt was
 * titled 电子缴款凭证 alone, and each PDF saved had to be renamed not to overwrite the last.
 */
export function receiptTitle(view: GatewayCase): string {
  const result = (view.result ?? {}) as Json;
  const part = (value: unknown) => (typeof value === 'string' && value !== '' ? [value] : []);
  return ['电子缴款凭证', ...part(result.deductedOn), ...part(result.taxVoucherNo)].join(' ');
}

export function receiptValues(
  view: GatewayCase,
  labels: Labels,
  places: PlaceNames,
): Record<string, string> {
  const result = (view.result ?? {}) as Json;
  const payload = (view.submission.payload ?? {}) as Json;
  const project = (payload.project ?? {}) as Json;
  const account = (result.account ?? {}) as Json;
  const lines = Array.isArray(result.lines) ? (result.lines as Json[]) : [];
  const rows = lines
    .map((line) => {
      const period = (line.taxPeriod ?? {}) as Json;
      return (
        `<tr><td data-label="征收项目">${escapeHtml(codeWithName(labels, 'collectionItemCode', line.collectionItemCode))}</td>` +
        `<td data-label="征收品目">${escapeHtml(codeWithName(labels, 'collectionSubitemCode', line.collectionSubitemCode))}</td>` +
        `<td data-label="税款所属期"><span><span class="date">${text(period.start)}</span> 至 <span class="date">${text(period.end)}</span></span></td>` +
        `<td data-label="实缴金额" class="num">${escapeHtml(yuanText(line.amount))}</td></tr>`
      );
    })
    .join('');
  const bankName = nameOf(labels, 'bankCode', account.bankCode);
  const fen = typeof result.totalAmount === 'string' ? toFen(result.totalAmount) : undefined;
  return {
    certificateNo: text(result.certificateNo),
    taxVoucherNo: text(result.taxVoucherNo),
    taxpayerId: text(payload.taxpayerId),
    taxpayerName: text(payload.taxpayerName),
    // The bureau's name is the province's text: isolated, so right-to-left letters in it cannot
    // draw the code after it to their left (（15303230000）שלום read as the code of another row).
    authority: `<bdi>${text(result.taxAuthorityName)}</bdi>（${text(result.taxAuthorityCode)}）`,
    agreementNo: text(result.agreementNo),
    // The 行号 in its brackets moves to the next line whole, as on the case page: at 390 px it
    // broke as （行号 / 102731000019）.
    account: `${text(account.accountNo)}<span class="code">（行号 ${text(account.bankCode)}）</span>`,
    // The bank by its name: the 行号 alone named nothing to the taxpayer. A 行号 the labels do
    // not name has no row.
    bankRow: bankName ? `<dt>开户银行</dt><dd>${escapeHtml(bankName)}</dd>` : '',
    deductedOn: text(result.deductedOn),
    creditedOn: text(result.creditedOn),
    project: text(project.name),
    // 项目所在地 by name beside its code (530323 云南省曲靖市师宗县): the code alone named nothing.
    place: escapeHtml(placeText(places, project.region)),
    rows,
    total: escapeHtml(yuanText(result.totalAmount)),
    // A total past what the words can say (a result schema looser than moneyAmount's) has none.
    totalInWords:
      fen === undefined || fen > AMOUNT_IN_WORDS_MAX_FEN ? '' : escapeHtml(amountInWords(fen)),
    caseId: text(view.caseId),
    provinceCaseNo: text(view.provinceCaseNo),
  };
}
