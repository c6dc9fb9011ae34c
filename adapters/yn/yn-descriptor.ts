// The yn adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 云南 一部手机办事通.
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createYnAdapter, YN_SETTINGS_SCHEMA } from './yn-adapter.ts';
import { createYnSandbox } from './yn-sandbox.ts';

export const ynAdapter = defineAdapter({
  id: 'yn',
  settingsSchema: YN_SETTINGS_SCHEMA,
  contractRegion: '530323',
  create: createYnAdapter,
  sandbox: createYnSandbox,
});
