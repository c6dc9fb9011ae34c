// Loads config/adapters.json, the per-adapter settings of adapters/README.md#settings: queue knobs
// (concurrency, ratePerSecond, and optionally attempts and backoffMs — else GW_DELIVERY_ATTEMPTS
// and GW_DELIVERY_BACKOFF_MS apply), the request timeout, the platform's baseUrl and the dialect's
// credentials, each dialect's keys checked by its descriptor's settingsSchema. Validated once,
// every problem reported together, then frozen (gateway/README.md#compile-once). A key `xEnv` names
// the environment variable holding `x`: production reads only the environment (a dev value in the
// file must never reach a province); development and test take the variable when set, else the
// file's value. The tls* keys name PEM files, read and checked here, once (adapter-tls.ts).
import type { ErrorObject } from 'ajv';
import { SharedMetaAjv } from '../../gateway/shared/shared-meta-ajv.ts';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/load-config.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { COMMON_SETTINGS_SCHEMA, type AdapterSettings } from './adapter-descriptor.ts';
import { loadAdapterTls } from './adapter-tls.ts';
import { ADAPTER_IDS, ADAPTERS, type AdapterId } from './registry.ts';

export type AdapterSettingsTable = Readonly<Record<AdapterId, AdapterSettings>>;

// The file as written: the common knobs (adapter-descriptor.ts), dialect keys of simple types, and
// *Env keys naming environment variables. Dialect keys are checked after *Env resolution, against
// each adapter's own settingsSchema (in production the value is not in the file at all).
const ENTRY_SCHEMA = {
  ...COMMON_SETTINGS_SCHEMA,
  patternProperties: { Env$: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' } },
  additionalProperties: { type: ['string', 'number', 'boolean'] },
};

const FILE_SCHEMA = {
  type: 'object',
  required: [...ADAPTER_IDS],
  properties: {
    $comment: { type: 'string' },
    ...Object.fromEntries(ADAPTER_IDS.map((id) => [id, { $ref: '#/$defs/adapter' }])),
  },
  additionalProperties: false,
  $defs: { adapter: ENTRY_SCHEMA },
};

const ajv = new SharedMetaAjv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateFile = ajv.compile(FILE_SCHEMA);
const validateDialect = new Map(ADAPTERS.map((a) => [a.id, ajv.compile(a.settingsSchema)]));

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
  const validate = validateDialect.get(id);
  if (validate && !validate(resolved)) {
    for (const error of validate.errors ?? []) {
      const problem = dialectProblem(id, entry, error);
      // A value its environment variable should have held is reported once, as unset.
      const key = problem.slice(0, problem.indexOf(':') + 1);
      if (!problems.some((p) => p.startsWith(key))) problems.push(problem);
    }
  }
  const baseUrl = resolved.baseUrl;
  if (typeof baseUrl === 'string' && !/^https?:\/\//.test(baseUrl)) {
    problems.push(`adapters.${id}.baseUrl: must be an http(s) URL`);
  } else if (env === 'production' && typeof baseUrl === 'string' && isSandboxPlaceholder(baseUrl)) {
    problems.push(`adapters.${id}.baseUrl: port 0 is the sandbox placeholder, not a platform`);
  }
  // `tls` is what the tls* files made, never a value of the file's own.
  const tls = loadAdapterTls(id, resolved, entry, env === 'production', problems);
  if (tls) resolved.tls = tls;
  else delete resolved.tls;
  return resolved as unknown as AdapterSettings;
}

/** "adapters.sc.appSecret: required (or GW_ADAPTER_SC_APP_SECRET)", or the schema's complaint. */
function dialectProblem(id: AdapterId, entry: Record<string, unknown>, error: ErrorObject): string {
  const missing: unknown = error.params.missingProperty;
  const name = typeof missing === 'string' ? missing : error.instancePath.slice(1);
  const empty = error.keyword === 'minLength' && error.params.limit === 1;
  const envName = entry[`${name}Env`];
  if (typeof missing !== 'string' && !empty) {
    // Where the value came from, never the value: it may be a secret.
    const from = typeof envName === 'string' ? ` (${envName} or the file)` : '';
    return `adapters.${id}.${name}: ${error.message ?? 'invalid'}${from}`;
  }
  return `adapters.${id}.${name}: required${typeof envName === 'string' ? ` (or ${envName})` : ''}`;
}

/** Port 0, as config/adapters.json's `http://127.0.0.1:0`: "a sandbox's address, once it listens". */
export function isSandboxPlaceholder(baseUrl: string): boolean {
  return /:0(\/|$)/.test(baseUrl);
}

/**
 * Of the sandboxes' addresses, those for adapters still at the placeholder: `npm start` points
 * those at their sandboxes, and an adapter given a real address (a province developer's own
 * endpoint in `GW_ADAPTER_YN_BASE_URL`) keeps it, as config/README.md says.
 */
export function sandboxUrlsForPlaceholders(
  table: AdapterSettingsTable,
  urls: Partial<Record<AdapterId, string>>,
): Partial<Record<AdapterId, string>> {
  return Object.fromEntries(
    Object.entries(urls).filter(([id]) => isSandboxPlaceholder(table[id as AdapterId].baseUrl)),
  );
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
