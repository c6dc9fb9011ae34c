// The cq adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 重庆 渝快办.
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createCqAdapter, CQ_SETTINGS_SCHEMA } from './cq-adapter.ts';
import { createCqSandbox } from './cq-sandbox.ts';

export const cqAdapter = defineAdapter({
  id: 'cq',
  settingsSchema: CQ_SETTINGS_SCHEMA,
  contractRegion: '500103',
  create: createCqAdapter,
  sandbox: createCqSandbox,
});
