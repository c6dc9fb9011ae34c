// within-party-region: in a joint case (多地联办), a field lies in the region of the party with a
// given role — the 迁入地 of a 户口迁移 is the region of the "move-in" party. Roles are the
// envelope's parties[].role values; when no party has the role, routing has refused the case
// already or the item does not use it, and the rule says nothing.
import { defineRule, field, strings } from './cross-field-rule.ts';
import { leaveToRouting, namedDivision } from './region-reference.ts';

export const withinPartyRegion = defineRule({
  name: 'within-party-region',
  summary: 'the region is the region of the party with the role, or lies within it',
  explain: (l) => `${field(l.region)} lies within the region of party \`${l.role.en}\``,
  params: {
    region: { kind: 'division', many: true },
    role: { literal: /^[a-z][a-z0-9-]{1,31}$/ },
    roles: { kind: 'string', many: true, default: '/parties/*/role' },
    regions: { kind: 'division', many: true, default: '/parties/*/region' },
  },
  check(values, { divisions }, labels) {
    const role = values.role[0]?.value;
    const index = strings(values.roles).findIndex((r) => r.value === role);
    const party = strings(values.regions)[index];
    const table = divisions.national;
    if (index < 0 || !party || leaveToRouting(party, divisions)) return [];
    return strings(values.region)
      .filter((r) => !table.contains(party.value, r.value))
      .map((r) => ({
        path: r.path,
        message: `${namedDivision(r.value, table)} does not lie within the region of party ${String(role)} (${namedDivision(party.value, table)})`,
        messageZh: `${labels.region.zh} ${namedDivision(r.value, table)} 不在联办方 ${String(role)} 的办理地 ${namedDivision(party.value, table)} 范围内`,
      }));
  },
});
