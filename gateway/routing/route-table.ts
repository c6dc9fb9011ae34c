// Division prefix → adapter (gateway/README.md#routing-rules, rule 7): the longest matching prefix
// wins, so `5101` sends 成都 cases to the city platform 天府蓉易办 while `51` sends the rest of 四川 to
// 天府通办. The match returns the prefix it used, so every routing decision can explain itself.
import { readFileSync } from 'node:fs';
import type { DivisionTable } from '../divisions/division-table.ts';
import { projectPath } from '../shared/project-root.ts';
import type { Alliance } from './alliance.ts';
import { RoutingConfigError, schemaProblems } from './routing-config-error.ts';

export interface RouteEntry {
  /** 2 digits (province), 4 (prefecture) or 6 (county) of a GB/T 2260 code. */
  readonly prefix: string;
  /**
   * Adapter id; also names its queue, `route-<adapter>` (gateway/README.md#queues-and-delivery).
   */
  readonly adapter: string;
  readonly platform?: string;
}

export interface RouteMatch {
  readonly adapter: string;
  readonly prefix: string;
}

export const ROUTES_PATH = projectPath('config', 'routes.json');

const ROUTES_SCHEMA = {
  type: 'object',
  properties: {
    $comment: { type: 'string' },
    routes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          prefix: { type: 'string', pattern: '^([0-9]{2}|[0-9]{4}|[0-9]{6})$' },
          adapter: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' },
          platform: { type: 'string' },
        },
        required: ['prefix', 'adapter'],
        additionalProperties: false,
      },
    },
  },
  required: ['routes'],
  additionalProperties: false,
};

export class RouteTable {
  readonly entries: readonly RouteEntry[];
  readonly #byPrefix: ReadonlyMap<string, string>;

  constructor(entries: readonly RouteEntry[]) {
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    this.#byPrefix = new Map(entries.map((e) => [e.prefix, e.adapter]));
  }

  /** Longest-prefix match of a six-digit division code: 6, then 4, then 2 digits. */
  match(code: string): RouteMatch | undefined {
    for (const length of [6, 4, 2]) {
      const prefix = code.slice(0, length);
      const adapter = this.#byPrefix.get(prefix);
      if (adapter !== undefined) return { adapter, prefix };
    }
    return undefined;
  }

  /** Distinct adapter ids, e.g. to create one queue per adapter. */
  adapters(): string[] {
    return [...new Set(this.entries.map((e) => e.adapter))].sort();
  }
}

// Checks across the three configs: a prefix twice would make the match depend on file order; a
// member province without a route would accept cases it cannot deliver; a prefix outside the
// members or naming no division is a typo that would otherwise never match.
function crossChecks(
  entries: readonly RouteEntry[],
  alliance: Alliance,
  divisions?: DivisionTable,
): string[] {
  const problems: string[] = [];
  const prefixes = new Set<string>();
  const members = new Set(alliance.members.map((m) => m.province));
  for (const [i, entry] of entries.entries()) {
    if (prefixes.has(entry.prefix))
      problems.push(`/routes/${i}/prefix ${entry.prefix} is listed twice`);
    prefixes.add(entry.prefix);
    if (!members.has(entry.prefix.slice(0, 2)))
      problems.push(`/routes/${i}/prefix ${entry.prefix} is outside the alliance's provinces`);
    else if (divisions && !divisions.has(entry.prefix.padEnd(6, '0')))
      problems.push(`/routes/${i}/prefix ${entry.prefix} names no division in the division table`);
  }
  for (const member of alliance.members) {
    if (!prefixes.has(member.province))
      problems.push(`member province ${member.province} (${member.name}) has no route`);
    if (divisions && !divisions.has(`${member.province}0000`))
      problems.push(`member province ${member.province} has no divisions in the division table`);
  }
  return problems;
}

export interface RouteTableDeps {
  readonly alliance: Alliance;
  /** When given, each prefix must name an existing division (e.g. `5101` → 510100). */
  readonly divisions?: DivisionTable;
}

/** Validates parsed routes config against the alliance; refuses it with every problem listed. */
export function parseRouteTable(
  data: unknown,
  deps: RouteTableDeps,
  source = 'route table',
): RouteTable {
  const problems = schemaProblems(ROUTES_SCHEMA, data);
  if (problems.length > 0) throw new RoutingConfigError(source, problems);
  const entries = (data as { routes: RouteEntry[] }).routes;
  const cross = crossChecks(entries, deps.alliance, deps.divisions);
  if (cross.length > 0) throw new RoutingConfigError(source, cross);
  return new RouteTable(entries);
}

export function loadRouteTable(deps: RouteTableDeps, path: string = ROUTES_PATH): RouteTable {
  return parseRouteTable(JSON.parse(readFileSync(path, 'utf8')) as unknown, deps, path);
}
