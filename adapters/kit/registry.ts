// The adapters of this gateway: one descriptor per adapter folder, one line each. Everything that
// needs to know which adapters exist derives from this list — ADAPTER_IDS and the AdapterId type,
// config/adapters.json's schema and credential checks (adapter-config.ts), the workers, npm start's
// sandboxes and the contract suite. config/routes.json's adapters must be these ids (a test checks).
import { cqAdapter } from '../cq/cq-descriptor.ts';
import { gxAdapter } from '../gx/gx-descriptor.ts';
import { gzAdapter } from '../gz/gz-descriptor.ts';
import { scChengduAdapter } from '../sc-chengdu/sc-chengdu-descriptor.ts';
import { scAdapter } from '../sc/sc-descriptor.ts';
import { xzAdapter } from '../xz/xz-descriptor.ts';
import { ynAdapter } from '../yn/yn-descriptor.ts';
import type { AdapterDescriptor, AdapterSettings } from './adapter-descriptor.ts';
import type { ProvinceAdapter } from './contract.ts';
import type { Sandbox, SandboxOptions } from './sandbox-kit.ts';

export const ADAPTERS = [
  scAdapter,
  scChengduAdapter,
  cqAdapter,
  ynAdapter,
  gzAdapter,
  gxAdapter,
  xzAdapter,
] as const;

export type AdapterId = (typeof ADAPTERS)[number]['id'];

export const ADAPTER_IDS: readonly AdapterId[] = ADAPTERS.map((adapter) => adapter.id);

export function isAdapterId(value: unknown): value is AdapterId {
  return typeof value === 'string' && (ADAPTER_IDS as readonly string[]).includes(value);
}

export function adapterDescriptor(id: AdapterId): AdapterDescriptor<AdapterId> {
  const descriptor = ADAPTERS.find((adapter) => adapter.id === id);
  if (!descriptor) throw new TypeError(`no adapter ${String(id)}`);
  return descriptor;
}

/** The adapter for `id`; throws when the settings miss what its dialect requires. */
export function createAdapter(id: AdapterId, settings: AdapterSettings): ProvinceAdapter {
  return adapterDescriptor(id).create(settings);
}

/** Its sandbox; the settings are the adapter's (it checks the credentials the adapter sends). */
export function createSandbox(id: AdapterId, options: SandboxOptions<AdapterSettings>): Sandbox {
  return adapterDescriptor(id).sandbox(options);
}
