// The gz adapter folder's one export, as the registry (adapters/kit/registry.ts) lists it:
// 贵州.
import { defineAdapter } from '../kit/adapter-descriptor.ts';
import { createGzAdapter, GZ_SETTINGS_SCHEMA } from './gz-adapter.ts';
import { createGzSandbox } from './gz-sandbox.ts';

export const gzAdapter = defineAdapter({
  id: 'gz',
  settingsSchema: GZ_SETTINGS_SCHEMA,
  contractRegion: '520102',
  create: createGzAdapter,
  sandbox: ({ settings, ...options }) => {
    // The platform's private key exists only in development settings: it is the sandbox's.
    const sandboxPrivateKey = settings.sandboxPrivateKey;
    if (sandboxPrivateKey === undefined) {
      throw new TypeError(
        'adapter gz: settings.sandboxPrivateKey missing (the sandbox signs with it)',
      );
    }
    return createGzSandbox({ ...options, settings: { ...settings, sandboxPrivateKey } });
  },
});
