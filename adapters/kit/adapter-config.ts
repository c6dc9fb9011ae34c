// Loads config/adapters.json, the per-adapter settings of adapters/README.md#settings: queue knobs
// (concurrency, ratePerSecond, and optionally attempts and backoffMs — else GW_DELIVERY_ATTEMPTS
// and GW_DELIVERY_BACKOFF_MS apply), the request timeout, the platform's baseUrl and the dialect's
// credentials. Validated once by a compiled schema, every problem reported together, then frozen
// (gateway/README.md#compile-once). A key `xEnv` names the environment variable holding `x`:
// production reads only the environment (a dev value in the file must never reach a province);
// development and test take the variable when set, else the file's value.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/load-config.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

export const ADAPTER_IDS = ['sc', 'sc-chengdu', 'cq', 'yn', 'gz', 'gx', 'xz'] as const;
export type AdapterId = (typeof ADAPTER_IDS)[number];

export function isAdapterId(value: unknown): value is AdapterId {
  return typeof value === 'string' && (ADAPTER_IDS as readonly string[]).includes(value);
}

/** One adapter's resolved settings: the common knobs plus its dialect's credentials. */
export interface AdapterSettings {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly ratePerSecond: number;
  /** Delivery attempts in all; unset: GW_DELIVERY_ATTEMPTS. */
  readonly attempts?: number;
  /** First retry delay; unset: GW_DELIVERY_BACKOFF_MS. */
  readonly backoffMs?: number;
  readonly [credential: string]: unknown;
}

export type AdapterSettingsTable = Readonly<Record<AdapterId, AdapterSettings>>;

/** The credentials each dialect cannot work without (values, after *Env resolution). */
export const ADAPTER_CREDENTIALS: Record<AdapterId, readonly string[]> = {
  sc: ['appId', 'appSecret'],
  'sc-chengdu': ['apiKey'],
  cq: ['clientId', 'clientSecret'],
  yn: ['regCode', 'sendCode', 'receiveCode'],
  gz: ['appId', 'sm4Key', 'privateKey', 'publicKey', 'platformPublicKey'],
  gx: ['appId', 'appSecret'],
  xz: ['apiKey'],
};

const ADAPTER_SCHEMA = {
  type: 'object',
  required: ['baseUrl', 'timeoutMs', 'concurrency', 'ratePerSecond'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://[^/?#]+(/[^?#]*)?$' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120000 },
    concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    ratePerSecond: { type: 'number', exclusiveMinimum: 0, maximum: 10000 },
    attempts: { type: 'integer', minimum: 1, maximum: 50 },
    backoffMs: { type: 'integer', minimum: 0, maximum: 600000 },
  },
  // Dialect credentials: strings, numbers or booleans; *Env keys name an environment variable.
  patternProperties: { Env$: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' } },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
} as const;

const FILE_SCHEMA = {
  type: 'object',
  required: [...ADAPTER_IDS],
  properties: {
    $comment: { type: 'string' },
    ...Object.fromEntries(ADAPTER_IDS.map((id) => [id, { $ref: '#/$defs/adapter' }])),
  },
  additionalProperties: false,
  $defs: { adapter: ADAPTER_SCHEMA },
};

const validateFile = new Ajv2020({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
}).compile(FILE_SCHEMA);

export interface LoadAdapterSettingsOptions {
  env: 'development' | 'test' | 'production';
  /** Defaults to config/adapters.json. */
  file?: string;
  processEnv?: NodeJS.ProcessEnv;
}

export function loadAdapterSettings(options: LoadAdapterSettingsOptions): AdapterSettingsTable {
  const file = options.file ?? projectPath('config/adapters.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${file}: ${(error as Error).message}`]);
  }
  return resolveAdapterSettings(raw, options.env, options.processEnv ?? process.env);
}

/** Validates a parsed adapters.json and resolves its *Env values; throws ConfigError. */
export function resolveAdapterSettings(
  raw: unknown,
  env: LoadAdapterSettingsOptions['env'],
  processEnv: NodeJS.ProcessEnv,
): AdapterSettingsTable {
  if (!validateFile(raw)) {
    const problems = (validateFile.errors ?? []).map((e) => {
      const extra: unknown = e.params.additionalProperty;
      const where = `adapters${e.instancePath.replaceAll('/', '.')}`;
      return `${where}: ${e.message ?? 'invalid'}${typeof extra === 'string' ? ` (${extra})` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const problems: string[] = [];
  const table = Object.fromEntries(
    ADAPTER_IDS.map((id) => {
      const entry = (raw as Record<AdapterId, Record<string, unknown>>)[id];
      return [id, Object.freeze(resolveEntry(id, entry, env, processEnv, problems))];
    }),
  ) as Record<AdapterId, AdapterSettings>;
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(table);
}

function resolveEntry(
  id: AdapterId,
  entry: Record<string, unknown>,
  env: LoadAdapterSettingsOptions['env'],
  processEnv: NodeJS.ProcessEnv,
  problems: string[],
): AdapterSettings {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (!key.endsWith('Env')) resolved[key] = value;
  }
  for (const [key, value] of Object.entries(entry)) {
    if (!key.endsWith('Env')) continue;
    const target = key.slice(0, -3);
    const fromEnv = processEnv[value as string];
    if (fromEnv !== undefined && fromEnv !== '') resolved[target] = fromEnv;
    else if (env === 'production') {
      delete resolved[target];
      problems.push(`adapters.${id}.${target}: environment variable ${String(value)} is not set`);
    }
  }
  for (const name of ADAPTER_CREDENTIALS[id]) {
    const value = resolved[name];
    if (typeof value !== 'string' || value === '') {
      const envName = entry[`${name}Env`];
      const hint = typeof envName === 'string' ? ` (or ${envName})` : '';
      if (!problems.some((p) => p.startsWith(`adapters.${id}.${name}:`))) {
        problems.push(`adapters.${id}.${name}: required${hint}`);
      }
    }
  }
  const baseUrl = resolved.baseUrl;
  if (typeof baseUrl === 'string' && !/^https?:\/\//.test(baseUrl)) {
    problems.push(`adapters.${id}.baseUrl: must be an http(s) URL`);
  } else if (env === 'production' && typeof baseUrl === 'string' && /:0(\/|$)/.test(baseUrl)) {
    problems.push(`adapters.${id}.baseUrl: port 0 is the sandbox placeholder, not a platform`);
  }
  return resolved as unknown as AdapterSettings;
}

/** A copy with some baseUrls replaced (npm start points adapters at its sandboxes). */
export function withBaseUrls(
  table: AdapterSettingsTable,
  urls: Partial<Record<AdapterId, string>>,
): AdapterSettingsTable {
  const copy = Object.fromEntries(
    ADAPTER_IDS.map((id) => {
      const url = urls[id];
      return [id, Object.freeze(url ? { ...table[id], baseUrl: url } : table[id])];
    }),
  ) as Record<AdapterId, AdapterSettings>;
  return Object.freeze(copy);
}
