// tax-authority-in-region: the division inside a 税务机关代码 (digits 2–7) is the region itself or
// the prefecture above it — a project in 师宗县 530323 pays to 15303230000 (the county bureau) or to
// 曲靖市 530300's. The prefecture of a 重庆 district is the municipality 500000 (never the
// statistical grouping 500100), as in DivisionTable.lift.
import { defineRule, field, partner, strings } from './cross-field-rule.ts';
import { leaveToRouting, namedDivision } from './region-reference.ts';

export const taxAuthorityInRegion = defineRule({
  name: 'tax-authority-in-region',
  summary: "the tax authority's division (digits 2–7) is the region or its prefecture",
  explain: (l) => `division of ${field(l.authority)} is ${field(l.region)} or its prefecture`,
  params: {
    authority: { kind: 'taxAuthorityCode', many: true },
    region: { kind: 'division', many: true },
  },
  check(values, { divisions }, labels) {
    const table = divisions.national;
    const problems = [];
    for (const authority of strings(values.authority)) {
      const region = partner(values.region, authority);
      if (!region || leaveToRouting(region, divisions)) continue;
      const prefecture = table.lift(region.value, 'prefecture');
      const division = authority.value.slice(1, 7);
      if (division === region.value || (prefecture && division === prefecture)) continue;
      const allowed = [region.value];
      if (prefecture && prefecture !== region.value) allowed.push(prefecture);
      const choices = allowed.map((c) => namedDivision(c, table));
      problems.push({
        path: authority.path,
        message: `division ${division} of tax authority ${authority.value} must be ${labels.region.en} or its prefecture: ${choices.join(' or ')}`,
        messageZh: `${labels.authority.zh} ${authority.value} 所含区划 ${division} 应为${labels.region.zh}或其上级地市:${choices.join(' 或 ')}`,
      });
    }
    return problems;
  },
});
