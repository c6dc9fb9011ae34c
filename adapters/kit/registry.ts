// Adapter id → factory, for the job runner (createAdapter) and for npm start, demos and tests
// (createSandbox). The ids are those of config/routes.json; the settings come from
// adapter-config.ts, whose schema has already checked each dialect's credentials
// (ADAPTER_CREDENTIALS), which is what makes the narrowing casts below honest.
import { createCqAdapter, type CqSettings } from '../cq/cq-adapter.ts';
import { createCqSandbox } from '../cq/cq-sandbox.ts';
import { createGxAdapter, type GxSettings } from '../gx/gx-adapter.ts';
import { createGxSandbox } from '../gx/gx-sandbox.ts';
import { createGzAdapter, type GzSettings } from '../gz/gz-adapter.ts';
import { createGzSandbox, type GzSandboxSettings } from '../gz/gz-sandbox.ts';
import {
  createScChengduAdapter,
  type ScChengduSettings,
} from '../sc-chengdu/sc-chengdu-adapter.ts';
import { createScChengduSandbox } from '../sc-chengdu/sc-chengdu-sandbox.ts';
import { createScAdapter, type ScSettings } from '../sc/sc-adapter.ts';
import { createScSandbox } from '../sc/sc-sandbox.ts';
import { createXzAdapter, type XzSettings } from '../xz/xz-adapter.ts';
import { createXzSandbox } from '../xz/xz-sandbox.ts';
import { createYnAdapter, type YnSettings } from '../yn/yn-adapter.ts';
import { createYnSandbox } from '../yn/yn-sandbox.ts';
import { ADAPTER_CREDENTIALS, type AdapterId, type AdapterSettings } from './adapter-config.ts';
import type { ProvinceAdapter } from './contract.ts';
import type { ProgressionOptions, Sandbox } from './sandbox-kit.ts';

/** Narrows validated settings to a dialect's own type, re-checking the credentials it needs. */
function narrow<T>(id: AdapterId, settings: AdapterSettings, extra: string[] = []): T {
  for (const key of ['baseUrl', ...ADAPTER_CREDENTIALS[id], ...extra]) {
    if (typeof settings[key] !== 'string')
      throw new TypeError(`adapter ${id}: settings.${key} missing`);
  }
  return settings as unknown as T;
}

export function createAdapter(id: AdapterId, settings: AdapterSettings): ProvinceAdapter {
  switch (id) {
    case 'sc':
      return createScAdapter(narrow<ScSettings>(id, settings));
    case 'sc-chengdu':
      return createScChengduAdapter(narrow<ScChengduSettings>(id, settings));
    case 'cq':
      return createCqAdapter(narrow<CqSettings>(id, settings));
    case 'yn':
      return createYnAdapter(narrow<YnSettings>(id, settings));
    case 'gz':
      return createGzAdapter(narrow<GzSettings>(id, settings));
    case 'gx':
      return createGxAdapter(narrow<GxSettings>(id, settings));
    case 'xz':
      return createXzAdapter(narrow<XzSettings>(id, settings));
  }
}

export interface CreateSandboxOptions {
  /** The adapter's settings: the sandbox checks the same credentials the adapter sends. */
  settings: AdapterSettings;
  /** Where and how to post province events; omit the gateway URL to switch them off. */
  progression?: ProgressionOptions;
}

export function createSandbox(id: AdapterId, options: CreateSandboxOptions): Sandbox {
  const { progression } = options;
  switch (id) {
    case 'sc':
      return createScSandbox({ settings: narrow<ScSettings>(id, options.settings), progression });
    case 'sc-chengdu':
      return createScChengduSandbox({
        settings: narrow<ScChengduSettings>(id, options.settings),
        progression,
      });
    case 'cq':
      return createCqSandbox({ settings: narrow<CqSettings>(id, options.settings), progression });
    case 'yn':
      return createYnSandbox({ settings: narrow<YnSettings>(id, options.settings), progression });
    case 'gz':
      // The platform's private key exists only in development settings: it is the sandbox's.
      return createGzSandbox({
        settings: narrow<GzSandboxSettings>(id, options.settings, ['sandboxPrivateKey']),
        progression,
      });
    case 'gx':
      return createGxSandbox({ settings: narrow<GxSettings>(id, options.settings), progression });
    case 'xz':
      return createXzSandbox({ settings: narrow<XzSettings>(id, options.settings), progression });
  }
}
