// The sc-chengdu adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 成都 天府蓉易办 (the 5101 city platform).
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createScChengduAdapter, SC_CHENGDU_SETTINGS_SCHEMA } from './sc-chengdu-adapter.ts';
import { createScChengduSandbox } from './sc-chengdu-sandbox.ts';

export const scChengduAdapter = defineAdapter({
  id: 'sc-chengdu',
  settingsSchema: SC_CHENGDU_SETTINGS_SCHEMA,
  contractRegion: '510104',
  create: createScChengduAdapter,
  sandbox: createScChengduSandbox,
});
