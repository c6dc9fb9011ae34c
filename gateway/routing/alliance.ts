// Alliance membership (schemas/README.md#alliance-and-catalogue): who is a member from which date,
// which catalogue items each member has enabled, and whether same-province cases may pass (routing
// rules 2–4, gateway/README.md#routing-rules). Mutual recognition is enforced by membership alone,
// never by pairwise agreements (schemas/README.md#alliance-and-catalogue).
import { readFileSync } from 'node:fs';
import type { CatalogueItem } from '../catalogue/catalogue-item.ts';
import { CHINA_PROVINCES } from '../divisions/china-provinces.ts';
import { projectPath } from '../shared/project-root.ts';
import { RoutingConfigError, schemaProblems } from './routing-config-error.ts';

export interface AllianceMember {
  /** Two-digit province prefix, e.g. '45'. */
  readonly province: string;
  readonly name: string;
  /** First day (YYYY-MM-DD) on which cases for this province are accepted. */
  readonly joined: string;
  /** Per-province changes to the items' own enabledProvinces (schemas/catalogue.json). */
  readonly items?: { readonly enable?: readonly string[]; readonly disable?: readonly string[] };
}

export interface Alliance {
  readonly members: readonly AllianceMember[];
  /**
   * Default false: same-province cases belong to the provincial platform
   * (gateway/README.md#routing-rules, rule 3).
   */
  readonly allowSameProvince: boolean;
}

export type Membership =
  | { readonly member: true; readonly joined: string }
  | { readonly member: false; readonly reason: 'not-member' }
  | { readonly member: false; readonly reason: 'not-yet'; readonly joined: string };

export const ALLIANCE_PATH = projectPath('config', 'alliance.json');

const ITEM_CODES = {
  type: 'array',
  items: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' },
  uniqueItems: true,
};

const ALLIANCE_SCHEMA = {
  type: 'object',
  properties: {
    $comment: { type: 'string' },
    allowSameProvince: { type: 'boolean' },
    members: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          $comment: { type: 'string' },
          province: { type: 'string', pattern: '^[0-9]{2}$' },
          name: { type: 'string', minLength: 1 },
          joined: { type: 'string', format: 'date' },
          items: {
            type: 'object',
            properties: { enable: ITEM_CODES, disable: ITEM_CODES },
            additionalProperties: false,
          },
        },
        required: ['province', 'name', 'joined'],
        additionalProperties: false,
      },
    },
  },
  required: ['members'],
  additionalProperties: false,
};

// Checks the schema cannot express: one entry per province, a real province prefix, and no item
// both enabled and disabled for the same province.
function crossChecks(members: readonly AllianceMember[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, member] of members.entries()) {
    if (seen.has(member.province))
      problems.push(`/members/${i}/province ${member.province} is listed twice`);
    seen.add(member.province);
    if (!CHINA_PROVINCES.has(member.province))
      problems.push(`/members/${i}/province ${member.province} is not a Chinese province code`);
    const disabled = new Set(member.items?.disable ?? []);
    for (const code of member.items?.enable ?? [])
      if (disabled.has(code))
        problems.push(`/members/${i}/items: ${code} is both enabled and disabled`);
  }
  return problems;
}

/** Validates parsed alliance config and returns it frozen; refuses it with every problem listed. */
export function parseAlliance(data: unknown, source = 'alliance config'): Alliance {
  const problems = schemaProblems(ALLIANCE_SCHEMA, data);
  if (problems.length > 0) throw new RoutingConfigError(source, problems);
  const raw = data as { members: AllianceMember[]; allowSameProvince?: boolean };
  const cross = crossChecks(raw.members);
  if (cross.length > 0) throw new RoutingConfigError(source, cross);
  const members = raw.members.map((m) =>
    Object.freeze({
      province: m.province,
      name: m.name,
      joined: m.joined,
      ...(m.items
        ? {
            items: Object.freeze({
              enable: Object.freeze([...(m.items.enable ?? [])]),
              disable: Object.freeze([...(m.items.disable ?? [])]),
            }),
          }
        : {}),
    }),
  );
  return Object.freeze({
    members: Object.freeze(members),
    allowSameProvince: raw.allowSameProvince ?? false,
  });
}

export function loadAlliance(path: string = ALLIANCE_PATH): Alliance {
  return parseAlliance(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

export function findMember(alliance: Alliance, province: string): AllianceMember | undefined {
  return alliance.members.find((m) => m.province === province);
}

/** Membership of a province on a date (YYYY-MM-DD; ISO dates compare correctly as strings). */
export function membershipOn(alliance: Alliance, province: string, date: string): Membership {
  const member = findMember(alliance, province);
  if (!member) return { member: false, reason: 'not-member' };
  if (date < member.joined) return { member: false, reason: 'not-yet', joined: member.joined };
  return { member: true, joined: member.joined };
}

/**
 * Whether the province offers the item: the member's own disable/enable lists win, otherwise the
 * item's enabledProvinces from the catalogue. A non-member never offers anything.
 */
export function isItemEnabled(alliance: Alliance, item: CatalogueItem, province: string): boolean {
  const member = findMember(alliance, province);
  if (!member) return false;
  if (member.items?.disable?.includes(item.code)) return false;
  if (member.items?.enable?.includes(item.code)) return true;
  return item.enabledProvinces.includes(province);
}
