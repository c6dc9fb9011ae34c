// 核对缴款信息 (README.md#the-taxpayer-portal): what 确认缴款 will debit, shown before any money moves
// — the total in yuan (and in 大写), the tax lines, 项目所在地, the agreement and the bank by name
// beside its 行号 — written from the form's values as they will be sent. Before, 确认缴款 on the
// form sent the payment at once, and a clerk had no moment to check the sum and the account.
import { formatYuan, toFen } from './money.js';

const el = (tag, text, attrs = {}) =>
  Object.assign(document.createElement(tag), attrs, { textContent: text ?? '' });

/** `code name`, or the code alone when the names do not know it. */
const withName = (names, code) => {
  const key = String(code ?? '');
  const name = names?.[key];
  return name ? `${key} ${name}` : key;
};

/** Fills the review from the form's values; `labels` names codes, `places` division codes. */
export function writeReview(box, { values, labels, places, totalFen, totalWords }) {
  const project = values.project ?? {};
  const bank = values.bank ?? {};
  const bankName = labels.bankCode?.[bank.bankCode];
  box.querySelector('#review-total').textContent = totalFen === null ? '—' : formatYuan(totalFen);
  box.querySelector('#review-words').textContent = totalWords;
  const facts = box.querySelector('#review-facts');
  facts.replaceChildren();
  const fact = (term, value, ...more) => {
    if (!value && more.length === 0) return;
    const dd = el('dd', value);
    dd.append(...more);
    facts.append(el('dt', term), dd);
  };
  fact('纳税人', `${values.taxpayerName ?? ''}（${values.taxpayerId ?? ''}）`);
  fact('经营项目', project.name);
  fact('项目所在地', withName(places, project.region));
  fact('三方协议号', values.agreementNo);
  // The 行号 in its brackets moves to the next line whole, as on the case page.
  fact(
    '开户银行',
    bankName ?? '',
    el('span', `（行号 ${bank.bankCode ?? ''}）`, { className: 'code' }),
  );
  fact('扣款账户', bank.accountNo);
  fact('账户名称', bank.accountName);
  const lines = box.querySelector('#review-lines');
  lines.replaceChildren(
    ...(values.lines ?? []).map((line) => {
      const fen = toFen(line.amount);
      const li = el('li', '');
      li.append(
        el('strong', withName(labels.collectionItemCode, line.collectionItemCode)),
        ' ',
        el('span', `品目 ${line.collectionSubitemCode ?? ''}`),
        ' ',
        el('span', `${line.taxPeriod?.start ?? ''} 至 ${line.taxPeriod?.end ?? ''}`),
        ' ',
        el('span', fen === null ? String(line.amount ?? '') : formatYuan(fen), {
          className: 'amount',
        }),
      );
      return li;
    }),
  );
}
