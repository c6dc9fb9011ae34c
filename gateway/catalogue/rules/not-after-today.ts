// not-after-today: a date that reports something done — a deduction, a crediting to the treasury —
// is not after today on the China calendar (UTC+8), the day the gateway judges it (the context's
// today(), the clock the registry was built with, as the `orderedPeriod: "past"` keyword reads it
// for periods). Dates are YYYY-MM-DD strings (format date), so text order is date order.
import { defineRule, field, strings, titleOf } from './cross-field-rule.ts';

export const notAfterToday = defineRule({
  name: 'not-after-today',
  summary: 'the date is not after today (China time, UTC+8)',
  explain: (l) => `${field(l.date)} ≤ today`,
  params: {
    date: { kind: 'date', many: true },
  },
  check(values, context, labels, pointers) {
    const problems = [];
    const today = context.today();
    for (const date of strings(values.date)) {
      if (date.value <= today) continue;
      problems.push({
        path: date.path,
        message: `${date.value} is after today (${today}, China time)`,
        messageZh: `${titleOf(labels.date, pointers.date, date)} ${date.value} 晚于今天(${today},北京时间)`,
      });
    }
    return problems;
  },
});
