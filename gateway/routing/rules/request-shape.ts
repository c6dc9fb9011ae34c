// Before rule 1: the regions must fit the mode (gateway/README.md#submission). online/proxy name
// one handlingRegion; joint names ≥ 2 parties, one per authority (schemas/README.md#modes). The
// envelope schema normally catches these, but /v1/routes/resolve and other callers reach routing
// directly, so the pure function refuses them clearly rather than guessing.
import { MODES } from '../../catalogue/catalogue-item.ts';
import type { RouteRequest } from '../route-decision.ts';
import { fail, pass, type RegionRef, type RuleFailure, type RulePass } from './rule-result.ts';

export interface RequestRegions {
  readonly receiving: RegionRef;
  /** The handling region (online/proxy) or one region per party (joint), in envelope order. */
  readonly handling: readonly RegionRef[];
}

const invalid = (path: string, detail: string, detailZh: string) =>
  fail('GW_VALIDATION_FAILED', path, detail, detailZh);

function jointRegions(request: RouteRequest): RuleFailure | RegionRef[] {
  if (request.handlingRegion !== undefined)
    return invalid(
      '/handlingRegion',
      'joint mode names its authorities in parties; handlingRegion is not allowed',
      '多地联办由联办各方(parties)指定办理地,不能填写 handlingRegion',
    );
  const parties: unknown = request.parties;
  if (!Array.isArray(parties) || parties.length < 2)
    return invalid(
      '/parties',
      'joint mode needs parties: at least 2, each with a role and a region',
      '多地联办须填写至少2个联办方,每方包含角色和办理地',
    );
  const roles = new Set<string>();
  const refs: RegionRef[] = [];
  for (const [i, party] of (parties as unknown[]).entries()) {
    const { role, region } = (party ?? {}) as { role?: unknown; region?: unknown };
    if (typeof role !== 'string' || role === '' || roles.has(role))
      return invalid(
        `/parties/${i}/role`,
        `party ${i} needs a role of its own (roles name the children of a joint case)`,
        `联办方 ${i} 须有唯一的角色`,
      );
    if (typeof region !== 'string')
      return invalid(
        `/parties/${i}/region`,
        `party ${role} needs a region`,
        `联办方 ${role} 缺少办理地`,
      );
    roles.add(role);
    refs.push({
      code: region,
      path: `/parties/${i}/region`,
      label: `party ${role}`,
      labelZh: `联办方 ${role} 的办理地`,
      role,
    });
  }
  return refs;
}

function singleRegion(request: RouteRequest): RuleFailure | RegionRef[] {
  if (request.parties !== undefined)
    return invalid(
      '/parties',
      `parties are only for joint mode, not ${request.mode}`,
      '仅多地联办可填写联办方',
    );
  if (typeof request.handlingRegion !== 'string')
    return invalid(
      '/handlingRegion',
      `${request.mode} mode needs a handlingRegion`,
      '全程网办和异地代收代办须填写办理地',
    );
  return [
    {
      code: request.handlingRegion,
      path: '/handlingRegion',
      label: 'handlingRegion',
      labelZh: '办理地',
    },
  ];
}

export function checkRequestShape(
  request: RouteRequest,
): RuleFailure | (RulePass & RequestRegions) {
  if (!MODES.includes(request.mode))
    return invalid(
      '/mode',
      `mode must be one of ${MODES.join(', ')}`,
      '办理模式应为 online、proxy 或 joint',
    );
  if (typeof request.receivingRegion !== 'string')
    return invalid('/receivingRegion', 'receivingRegion is required', '缺少收件地');
  const handling = request.mode === 'joint' ? jointRegions(request) : singleRegion(request);
  if (!Array.isArray(handling)) return handling;
  const receiving: RegionRef = {
    code: request.receivingRegion,
    path: '/receivingRegion',
    label: 'receivingRegion',
    labelZh: '收件地',
  };
  const what = () =>
    request.mode === 'joint' ? `${handling.length} parties` : 'one handlingRegion';
  return {
    ...pass(() => `${request.mode} mode with a receivingRegion and ${what()}`),
    receiving,
    handling,
  };
}
