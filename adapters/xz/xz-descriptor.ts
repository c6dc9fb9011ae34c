// The xz adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 西藏 藏易通, asynchronous: a ticket first, the decision later as province events.
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createXzAdapter, XZ_SETTINGS_SCHEMA } from './xz-adapter.ts';
import { createXzSandbox } from './xz-sandbox.ts';

export const xzAdapter = defineAdapter({
  id: 'xz',
  settingsSchema: XZ_SETTINGS_SCHEMA,
  contractRegion: '540102',
  deliveryState: 'pending',
  create: createXzAdapter,
  sandbox: createXzSandbox,
});
