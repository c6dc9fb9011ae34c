// date-order: one date is not after another (issued before it expires, registered before the
// divorce, a relative born before dying). Dates are YYYY-MM-DD strings (format date), so text
// order is date order; values inside arrays are compared element by element (related()).
import { defineRule, field, related, strings } from './cross-field-rule.ts';

export const dateOrder = defineRule({
  name: 'date-order',
  summary: 'the earlier date is not after the later one',
  explain: (l) => `${field(l.earlier)} ≤ ${field(l.later)}`,
  params: {
    earlier: { kind: 'date', many: true },
    later: { kind: 'date', many: true },
  },
  check(values, _context, labels) {
    const problems = [];
    for (const later of strings(values.later)) {
      const first = strings(values.earlier).find((e) => related(e, later) && e.value > later.value);
      if (!first) continue;
      problems.push({
        path: later.path,
        message: `${later.value} is before ${labels.earlier.en} (${first.value})`,
        messageZh: `${labels.later.zh} ${later.value} 早于${labels.earlier.zh} ${first.value}`,
      });
    }
    return problems;
  },
});
