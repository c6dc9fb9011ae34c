// The gx adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 广西 智桂通.
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createGxAdapter, GX_SETTINGS_SCHEMA } from './gx-adapter.ts';
import { createGxSandbox } from './gx-sandbox.ts';

export const gxAdapter = defineAdapter({
  id: 'gx',
  settingsSchema: GX_SETTINGS_SCHEMA,
  contractRegion: '450103',
  create: createGxAdapter,
  sandbox: createGxSandbox,
});
