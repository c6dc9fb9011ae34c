// not-before-submission: a date that reports something done for the case — a deduction, a
// crediting to the treasury, a failed attempt — is not before the day the case was submitted, on
// the China calendar (UTC+8): a 扣款日期 of last month on a case submitted today is the voucher of
// some other payment, which the taxpayer would be shown as theirs. The day is the context's
// submittedOn (the case's createdAt, the gateway's clock, as event-time.ts bounds an event's `at`);
// judging a submission itself, it is today. Dates are YYYY-MM-DD strings, so text order is date
// order.
import { defineRule, field, strings, titleOf } from './cross-field-rule.ts';

export const notBeforeSubmission = defineRule({
  name: 'not-before-submission',
  summary: 'the date is not before the day the case was submitted (China time, UTC+8)',
  explain: (l) => `${field(l.date)} ≥ the case's submission day`,
  params: {
    date: { kind: 'date', many: true },
  },
  check(values, context, labels, pointers) {
    const problems = [];
    const submitted = context.submittedOn ?? context.today();
    for (const date of strings(values.date)) {
      if (date.value >= submitted) continue;
      problems.push({
        path: date.path,
        message: `${date.value} is before the day the case was submitted (${submitted}, China time)`,
        messageZh: `${titleOf(labels.date, pointers.date, date)} ${date.value} 早于办件提交日期(${submitted},北京时间)`,
      });
    }
    return problems;
  },
});
