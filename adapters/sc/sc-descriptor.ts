// The sc adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 四川 天府通办 (province-wide, outside 成都).
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createScAdapter, SC_SETTINGS_SCHEMA } from './sc-adapter.ts';
import { createScSandbox } from './sc-sandbox.ts';

export const scAdapter = defineAdapter({
  id: 'sc',
  settingsSchema: SC_SETTINGS_SCHEMA,
  contractRegion: '510703',
  create: createScAdapter,
  sandbox: createScSandbox,
});
