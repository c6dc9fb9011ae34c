// amount-at-most: an amount does not exceed another (a withdrawal is at most the house price, a
// loan at most the purchase price, the amount within the policy scope at most the total). Compared
// in whole fen, as in sum-equals.ts.
import { defineRule, field, partner, strings } from './cross-field-rule.ts';
import { toFen } from './sum-equals.ts';

export const amountAtMost = defineRule({
  name: 'amount-at-most',
  summary: 'the amount does not exceed the limit',
  explain: (l) => `${field(l.amount)} ≤ ${field(l.limit)}`,
  params: {
    amount: { kind: 'amount', many: true },
    limit: { kind: 'amount', many: true },
  },
  check(values, _context, labels) {
    const problems = [];
    for (const amount of strings(values.amount)) {
      const limit = partner(values.limit, amount);
      if (!limit) continue;
      const [a, l] = [toFen(amount.value), toFen(limit.value)];
      if (a === undefined || l === undefined || a <= l) continue;
      problems.push({
        path: amount.path,
        message: `${amount.value} exceeds ${labels.limit.en} (${limit.value})`,
        messageZh: `${labels.amount.zh} ${amount.value} 超过${labels.limit.zh} ${limit.value}`,
      });
    }
    return problems;
  },
});
