// sum-equals: a total equals the sum of its parts, e.g. 合计金额 = Σ 缴款明细 (the tax core
// system refuses a payment whose total differs). Amounts are decimal strings of yuan with two
// places (defs moneyAmount / nonNegativeAmount); they are added as whole fen in BigInt, never as
// floats, so 0.10 + 0.20 is exactly 0.30. Parts may come from several pointers; a total inside an
// array element sums only the parts of its own element (cross-field-rule.ts, related()).
import { defineRule, field, related, strings } from './cross-field-rule.ts';

const AMOUNT = /^(0|[1-9][0-9]*)\.([0-9]{2})$/;

/** Up to this many digits, an amount in fen is an exact Number (below 2^53). */
const SAFE_DIGITS = 15;

/** Yuan with two places → fen; undefined for anything else (the schema has refused it). */
export function toFen(amount: string): bigint | undefined {
  if (!AMOUNT.test(amount)) return undefined;
  if (amount.length - 1 > SAFE_DIGITS) {
    const match = AMOUNT.exec(amount)!;
    return BigInt(match[1]!) * 100n + BigInt(match[2]!);
  }
  // Digit by digit, skipping the point: one BigInt instead of a match, two slices and four.
  let fen = 0;
  for (let i = 0; i < amount.length; i++) {
    const c = amount.charCodeAt(i);
    if (c !== 0x2e /* . */) fen = fen * 10 + (c - 0x30);
  }
  return BigInt(fen);
}

export function formatFen(fen: bigint): string {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

export const sumEquals = defineRule({
  name: 'sum-equals',
  summary: 'the total equals the sum of the parts, added in whole fen',
  explain: (l) => `${field(l.total)} = Σ ${field(l.parts)}`,
  params: {
    total: { kind: 'amount', many: true },
    parts: { kind: 'amount', many: true },
  },
  check(values, _context, labels) {
    const problems = [];
    for (const total of strings(values.total)) {
      // The parts of the total's own element, added as they are met (no list of them or of fens).
      const expected = toFen(total.value);
      let readable = expected !== undefined;
      let parts = 0;
      let sum = 0n;
      for (const part of strings(values.parts)) {
        if (!related(part, total)) continue;
        parts++;
        const fen = toFen(part.value);
        if (fen === undefined) readable = false;
        else sum += fen;
      }
      if (parts === 0 || !readable || sum === expected) continue;
      problems.push({
        path: total.path,
        message: `${total.value} is not the sum of ${labels.parts.en} (${formatFen(sum)})`,
        messageZh: `${labels.total.zh} ${total.value} 与${labels.parts.zh}之和 ${formatFen(sum)} 不一致`,
      });
    }
    return problems;
  },
});
