// Real committed config and data for the routing tests: the division table, alliance, route table
// and catalogue as the gateway loads them at start (no fakes of our own code).
import { readFileSync } from 'node:fs';
import type { CatalogueItem } from '../../../gateway/catalogue/catalogue-item.ts';
import { loadDivisionTable } from '../../../gateway/divisions/load-division-table.ts';
import { loadAlliance, parseAlliance } from '../../../gateway/routing/alliance.ts';
import type { RouteRequest, RoutingContext } from '../../../gateway/routing/route-decision.ts';
import { loadRouteTable } from '../../../gateway/routing/route-table.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

export const divisions = loadDivisionTable();
export const alliance = loadAlliance();
export const routes = loadRouteTable({ alliance, divisions });
export const context: RoutingContext = { divisions, alliance, routes };

export const catalogue: readonly CatalogueItem[] = (
  JSON.parse(readFileSync(projectPath('schemas', 'catalogue.json'), 'utf8')) as {
    items: CatalogueItem[];
  }
).items;

export function item(code: string): CatalogueItem {
  const found = catalogue.find((i) => i.code === code);
  if (!found) throw new Error(`no catalogue item ${code}`);
  return found;
}

/** Items used by name in the tests (levels and modes checked in resolve-route.test.ts). */
export const COUNTY_ONLINE = item('GA-009'); // county, online + proxy
export const COUNTY_PROXY_ONLY = item('GA-001'); // county, proxy only
export const PREFECTURE_ONLINE = item('GA-004'); // prefecture, online + proxy
export const PROVINCE_ONLINE = item('RS-013'); // province, online
export const PREFECTURE_JOINT = item('RS-006'); // prefecture, joint
export const COUNTY_JOINT = item('GA-011'); // county, joint

export const TODAY = '2026-03-02';

/**
 * A Sichuan → Yunnan online request for 师宗县 (the seed story, schemas/README.md#remote-tax-payment),
 * then overrides.
 */
export function request(overrides: Partial<RouteRequest> = {}): RouteRequest {
  return {
    item: COUNTY_ONLINE,
    mode: 'online',
    receivingRegion: '510104',
    handlingRegion: '530323',
    date: TODAY,
    ...overrides,
  };
}

/** The committed alliance with changes, validated like the real one. */
export function allianceWith(changes: Record<string, unknown>): RoutingContext {
  const raw = JSON.parse(readFileSync(projectPath('config', 'alliance.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return { ...context, alliance: parseAlliance({ ...raw, ...changes }) };
}
