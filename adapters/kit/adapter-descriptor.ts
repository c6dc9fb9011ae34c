// What one adapter folder exports: a descriptor naming the adapter, the JSON Schema of its
// dialect's own settings (credentials and the like, read from config/adapters.json), how to make
// the adapter and its sandbox from those settings, and a division its platform handles (the
// contract suite submits there). The registry is a list of descriptors; adapter ids, the credential
// checks of adapter-config.ts and the contract suite all come from it, so adding an adapter is its
// folder plus one registry line (README.md#adding-an-adapter).
import type { ValidateFunction } from 'ajv';
import { SharedMetaAjv } from '../../gateway/shared/shared-meta-ajv.ts';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { AdapterTls } from './adapter-tls.ts';
import type { ProvinceAdapter } from './contract.ts';
import type { Sandbox, SandboxOptions } from './sandbox-kit.ts';

/** Settings every adapter has (queue knobs and the call), checked by adapter-config.ts. */
export const COMMON_SETTINGS_SCHEMA = {
  type: 'object',
  required: ['baseUrl', 'timeoutMs', 'concurrency', 'ratePerSecond'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://[^/?#]+(/[^?#]*)?$' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120000 },
    concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    ratePerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
    /** Delivery attempts in all; unset: GW_DELIVERY_ATTEMPTS. */
    attempts: { type: 'integer', minimum: 1, maximum: 50 },
    /** First retry delay; unset: GW_DELIVERY_BACKOFF_MS. */
    backoffMs: { type: 'integer', minimum: 0, maximum: 600000 },
    // TLS to the platform (adapter-tls.ts, adapters/README.md#tls): PEM files read at start.
    /** CA bundle trusted instead of the public roots. */
    tlsCaFile: { type: 'string', minLength: 1 },
    /** Client certificate (and its chain) for mutual TLS; needs tlsKeyFile. */
    tlsCertFile: { type: 'string', minLength: 1 },
    tlsKeyFile: { type: 'string', minLength: 1 },
    /** A secret: in production from tlsKeyPassphraseEnv. */
    tlsKeyPassphrase: { type: 'string', minLength: 1 },
    /** The name the platform's certificate is checked against (and sent as SNI); not an IP. */
    tlsServername: { type: 'string', minLength: 1 },
  },
} as const;

/**
 * One adapter's resolved settings: the common knobs plus its dialect's own keys, and the TLS its
 * tls* settings made (adapter-config.ts reads their files once).
 */
export type AdapterSettings = Readonly<FromSchema<typeof COMMON_SETTINGS_SCHEMA>> & {
  readonly tls?: AdapterTls;
  readonly [dialectKey: string]: unknown;
};

/** A dialect's settings schema: an object schema whose `required` lists its credentials. */
export type DialectSchema = JSONSchema & {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JSONSchema>>;
  readonly required: readonly string[];
};

/** What a dialect's call needs of the common settings (kit/http-backend.ts). */
export type CallSettings = Pick<AdapterSettings, 'baseUrl' | 'timeoutMs' | 'tls'>;

/** What an adapter's code receives: the call settings plus its own schema's keys, typed. */
export type DialectSettings<S extends DialectSchema> = CallSettings & FromSchema<S>;

export interface AdapterDescriptor<Id extends string = string> {
  readonly id: Id;
  /** The dialect's own settings (after *Env resolution); `required` names its credentials. */
  readonly settingsSchema: DialectSchema;
  /** A division its platform handles: the contract suite's deliveries go there. */
  readonly contractRegion: string;
  /** What a first delivery answers: 'received', or 'pending' for a platform that decides later. */
  readonly deliveryState: 'received' | 'pending';
  /** The adapter; throws when the settings miss what settingsSchema requires. */
  create(settings: AdapterSettings): ProvinceAdapter;
  /** Its sandbox, checking the same credentials the adapter sends. */
  sandbox(options: SandboxOptions<AdapterSettings>): Sandbox;
}

/** An adapter folder's parts; T is its settings type, derived from settingsSchema. */
export interface AdapterSpec<Id extends string, T extends CallSettings> {
  id: Id;
  settingsSchema: DialectSchema;
  contractRegion: string;
  deliveryState?: 'received' | 'pending';
  create(settings: T): ProvinceAdapter;
  // T is inferred from create alone; the sandbox may need only some of the keys.
  sandbox(options: SandboxOptions<NoInfer<T>>): Sandbox;
}

/**
 * A descriptor whose create/sandbox check the settings against the dialect's schema before the
 * dialect's code sees them: the check is what narrows AdapterSettings to T, so no cast sits
 * between config/adapters.json and the dialect. T is `DialectSettings<typeof settingsSchema>`,
 * written next to the schema in the adapter's file (TypeScript cannot expand FromSchema of a
 * generic schema here).
 */
export function defineAdapter<T extends CallSettings, const Id extends string = string>(
  spec: AdapterSpec<Id, T>,
): AdapterDescriptor<Id> {
  let validate: ValidateFunction<T> | undefined;
  const narrow = (settings: AdapterSettings): T => {
    validate ??= new SharedMetaAjv({ allErrors: true, strict: true }).compile<T>(
      spec.settingsSchema,
    );
    if (validate(settings)) return settings;
    throw new TypeError(`adapter ${spec.id}: ${settingsProblems(validate.errors)}`);
  };
  return {
    id: spec.id,
    settingsSchema: spec.settingsSchema,
    contractRegion: spec.contractRegion,
    deliveryState: spec.deliveryState ?? 'received',
    create: (settings) => spec.create(narrow(settings)),
    sandbox: (options) => spec.sandbox({ ...options, settings: narrow(options.settings) }),
  };
}

/** "settings.apiKey missing", "settings.sm4Key must NOT have fewer than 1 characters"… */
function settingsProblems(errors: ValidateFunction['errors']): string {
  return (errors ?? [])
    .map((e) => {
      const missing: unknown = e.params.missingProperty;
      if (typeof missing === 'string') return `settings.${missing} missing`;
      return `settings${e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}`;
    })
    .join(', ');
}
