// within-region: a division lies in another or is the same (county in its prefecture or province),
// e.g. the project whose tax is paid lies in the handling region. Judged on the national table's
// structure, so 重庆 500101 lies in 500000. When the outer region is a routing region that is not a
// member division, the rule says nothing: routing refuses it with its own reason.
import { defineRule, field, partner, strings } from './cross-field-rule.ts';
import { leaveToRouting, namedDivision } from './region-reference.ts';

export const withinRegion = defineRule({
  name: 'within-region',
  summary: 'the region is the other region or lies within it',
  explain: (l) => `${field(l.region)} lies within ${field(l.within)}`,
  params: {
    region: { kind: 'division', many: true },
    within: { kind: 'division' },
  },
  check(values, { divisions }, labels) {
    const table = divisions.national;
    const problems = [];
    for (const region of strings(values.region)) {
      const outer = partner(values.within, region);
      if (!outer || leaveToRouting(outer, divisions) || table.contains(outer.value, region.value))
        continue;
      const [inner, container] = [region.value, outer.value].map((c) => namedDivision(c, table));
      problems.push({
        path: region.path,
        message: `${inner} does not lie within ${labels.within.en} ${container}`,
        messageZh: `${labels.region.zh} ${inner} 不在${labels.within.zh} ${container} 范围内`,
      });
    }
    return problems;
  },
});
