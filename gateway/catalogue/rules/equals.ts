// equals: a field holds the same value as another, e.g. every line's 税款所属税务机关 is the
// agreement's (the 电子税务局 refuses "所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致"),
// or a person named in the payload is the applicant.
import { defineRule, field, partner, strings } from './cross-field-rule.ts';

export const equals = defineRule({
  name: 'equals',
  summary: 'the field equals the other field',
  explain: (l) => `${field(l.value)} = ${field(l.other)}`,
  params: {
    value: { kind: 'string', many: true },
    other: { kind: 'string', many: true },
  },
  check(values, _context, labels) {
    const problems = [];
    for (const value of strings(values.value)) {
      const other = partner(values.other, value);
      if (!other || other.value === value.value) continue;
      // A personal value (a result's account against the case's) is not repeated to whoever sent
      // the other one: the messages name the field only.
      const shown = labels.other.personal ? '' : `(${other.value})`;
      problems.push({
        path: value.path,
        message: `must equal ${labels.other.en}${shown && ` ${shown}`}`,
        messageZh: `${labels.value.zh}应与${labels.other.zh}${shown}一致`,
      });
    }
    return problems;
  },
});
