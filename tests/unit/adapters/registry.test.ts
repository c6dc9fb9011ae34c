// The registry hands out an adapter and a sandbox for every id of config/routes.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTER_IDS, loadAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import { createAdapter, createSandbox } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const settings = loadAdapterSettings({ env: 'test', processEnv: {} });

describe('adapter registry', () => {
  it('knows exactly the adapters of the route table', () => {
    const routes = JSON.parse(readFileSync(projectPath('config/routes.json'), 'utf8')) as {
      routes: { adapter: string }[];
    };
    expect([...new Set(routes.routes.map((r) => r.adapter))].sort()).toEqual(
      [...ADAPTER_IDS].sort(),
    );
  });

  it.each(ADAPTER_IDS)('creates the %s adapter and sandbox', (id) => {
    expect(createAdapter(id, settings[id]).id).toBe(id);
    expect(createSandbox(id, { settings: settings[id] }).id).toBe(id);
  });

  it('refuses settings without the dialect credentials', () => {
    const withoutKey = { ...settings.xz, apiKey: undefined };
    expect(() => createAdapter('xz', withoutKey)).toThrow(/settings\.apiKey/);
  });
});
