// The registry is the list of adapter descriptors: it hands out an adapter and a sandbox for every
// id of config/routes.json, and each descriptor's contract region is routed to that very adapter.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import {
  ADAPTER_IDS,
  ADAPTERS,
  createAdapter,
  createSandbox,
} from '../../../adapters/kit/registry.ts';
import { loadDivisionTable } from '../../../gateway/divisions/load-division-table.ts';
import { loadAlliance } from '../../../gateway/routing/alliance.ts';
import { loadRouteTable } from '../../../gateway/routing/route-table.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const settings = loadAdapterSettings({ env: 'test', processEnv: {} });

describe('adapter registry', () => {
  it('knows exactly the adapters of the route table, each id once', () => {
    const routes = JSON.parse(readFileSync(projectPath('config/routes.json'), 'utf8')) as {
      routes: { adapter: string }[];
    };
    expect([...new Set(routes.routes.map((r) => r.adapter))].sort()).toEqual(
      [...ADAPTER_IDS].sort(),
    );
    expect(new Set(ADAPTER_IDS).size).toBe(ADAPTERS.length);
  });

  it.each(ADAPTER_IDS)('creates the %s adapter and sandbox', (id) => {
    expect(createAdapter(id, settings[id]).id).toBe(id);
    expect(createSandbox(id, { settings: settings[id] }).id).toBe(id);
  });

  it('refuses settings without the dialect credentials, naming the missing key', () => {
    const withoutKey = { ...settings.xz, apiKey: undefined };
    expect(() => createAdapter('xz', withoutKey)).toThrow('adapter xz: settings.apiKey missing');
    expect(() => createSandbox('xz', { settings: withoutKey })).toThrow(/settings\.apiKey/);
  });

  it.each(ADAPTERS.map((a) => [a.id, a.contractRegion] as const))(
    "routes %s's contract region %s to that adapter",
    (id, region) => {
      const routes = loadRouteTable({ alliance: loadAlliance(), divisions: loadDivisionTable() });
      expect(routes.match(region)?.adapter).toBe(id);
    },
  );
});
