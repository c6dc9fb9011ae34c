// Loads the gateway's settings: defaults from config/settings-schema.ts, then the JSON file
// named by GW_CONFIG_FILE, then environment variables (each setting's x-env). The merged object is
// validated once, every problem reported together, then frozen and passed down explicitly
// (gateway/README.md#construct-dont-patch: no module-level singletons).
import { natMapProblems } from '../gateway/shared/redis-nat-map.ts';
import { SharedMetaAjv } from '../gateway/shared/shared-meta-ajv.ts';
import { closest, distance } from 'fastest-levenshtein';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { SETTINGS_SCHEMA, type Config } from './settings-schema.ts';

export { SETTINGS_SCHEMA, type Config };

export interface SettingSpec {
  name: string;
  description: string;
  type: string;
  default?: unknown;
  env: string;
  constraint: string;
}

/** What the README table needs of one setting's schema (every property has these shapes). */
interface PropertySchema {
  readonly description: string;
  readonly type: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly 'x-env': string;
}

const PROPERTIES: Readonly<Record<string, PropertySchema>> = SETTINGS_SCHEMA.properties;

/** Raised with every problem found, so an operator fixes the whole file in one go. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function settingSpecs(): SettingSpec[] {
  return Object.entries(PROPERTIES).map(([name, p]) => ({
    name,
    description: p.description,
    type: p.type,
    default: p.default,
    env: p['x-env'],
    constraint: p.enum
      ? p.enum.join(' \\| ')
      : p.pattern
        ? // A table cell: a pipe in the pattern (an alternation) would end the cell.
          `\`${p.pattern.replaceAll('|', '\\|')}\``
        : p.minimum !== undefined
          ? `${p.minimum}–${p.maximum}`
          : '',
  }));
}

function compileValidator() {
  // Environment values arrive as strings; coercion turns "8080" into 8080 for this schema only.
  const ajv = new SharedMetaAjv({
    allErrors: true,
    coerceTypes: true,
    useDefaults: true,
    strict: true,
  });
  ajv.addKeyword({ keyword: 'x-env', schemaType: 'string' });
  return ajv.compile(SETTINGS_SCHEMA);
}

function readConfigFile(path: string | undefined, problems: string[]): Record<string, unknown> {
  if (!path) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    problems.push(`GW_CONFIG_FILE ${path}: must hold a JSON object`);
  } catch (error) {
    problems.push(`GW_CONFIG_FILE ${path}: ${(error as Error).message}`);
  }
  return {};
}

/**
 * `GW_` variables read by something other than these settings: the settings file, an adapter's
 * `…Env` credentials (config/adapters.json), the CLI's, a gateway process's number (set by its
 * supervisor), `npm start`'s folders, the demo's gateway and the fuzz tests' seeds.
 */
const OTHER_VARIABLES = [
  /^GW_CONFIG_FILE$/,
  /^GW_ADAPTER_/,
  /^GW_CLI_/,
  /^GW_GATEWAY_PROCESS$/,
  /^GW_(SANDBOX|REDIS)_DIR$/,
  /^GW_URL$/,
  /^GW_FUZZ_/,
];

/**
 * Every mode refuses a `GW_` variable that nothing reads and that lies within three edits of a
 * setting: a misspelt setting (`GW_REDIS_WAIT_REPLICA=1`) would otherwise leave its default in
 * force without a word, and a misspelt `GW_ENV` (`GW_EVN=production`) would start a production
 * deployment in development mode, accepting the development clients whose secrets are published.
 * A name further from every setting is left alone: a team's own `GW_…` variables, or a client
 * secret a clients file's `secretEnv` names (read later, by the client registry), must not stop a
 * gateway that started before this check existed.
 */
function misspeltVariables(env: NodeJS.ProcessEnv): string[] {
  const settings = Object.values(PROPERTIES).map((p) => p['x-env']);
  return Object.keys(env)
    .filter((name) => name.startsWith('GW_') && !settings.includes(name))
    .filter((name) => !OTHER_VARIABLES.some((known) => known.test(name)))
    .sort()
    .flatMap((name) => {
      const near = closest(name, settings);
      return distance(name, near) <= 3
        ? [
            `${name}: not a setting (did you mean ${near}?); a misspelt GW_ setting is refused, as its default would be used`,
          ]
        : [];
    });
}

/**
 * `GW_GATEWAY_PROCESS` is the number the supervisor gives each process it forks
 * (gateway/gateway-processes.ts), through node:cluster, which marks such a process as a cluster
 * worker. Set by hand on a process nothing forked, every log line would carry a process number
 * that is no supervisor's.
 */
function handSetProcessNumber(env: NodeJS.ProcessEnv, forkedBySupervisor: boolean): string[] {
  return env.GW_GATEWAY_PROCESS !== undefined && !forkedBySupervisor
    ? [
        'GW_GATEWAY_PROCESS: set by the supervisor of GW_GATEWAY_PROCESSES for each process it starts, never by hand',
      ]
    : [];
}

/**
 * `forkedBySupervisor`: whether this process was forked by a gateway supervisor (default: whether
 * node:cluster forked it), the only one that may carry GW_GATEWAY_PROCESS.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  forkedBySupervisor: boolean = cluster.isWorker,
): Readonly<Config> {
  const problems: string[] = [];
  const merged: Record<string, unknown> = { ...readConfigFile(env.GW_CONFIG_FILE, problems) };
  for (const [name, spec] of Object.entries(PROPERTIES)) {
    const value = env[spec['x-env']];
    if (value !== undefined && value !== '') merged[name] = value;
  }
  const validate = compileValidator();
  if (!validate(merged)) {
    for (const error of validate.errors ?? []) {
      const name = error.instancePath.slice(1) || String(error.params.additionalProperty ?? '');
      const envName = PROPERTIES[name]?.['x-env'];
      const where = envName ? `${name} (${envName})` : name;
      problems.push(`${where}: ${error.message ?? 'invalid'}`);
    }
  }
  // Node refuses a headers timeout longer than the request timeout: say so at start, by name.
  if (problems.length === 0 && Number(merged.headersTimeoutMs) > Number(merged.requestTimeoutMs)) {
    problems.push(
      'headersTimeoutMs (GW_HEADERS_TIMEOUT_MS) must not exceed requestTimeoutMs (GW_REQUEST_TIMEOUT_MS)',
    );
  }
  // A map's entries, and a map beside one server's URL, which it could not apply to.
  if (typeof merged.redisNatMap === 'string') {
    const url = typeof merged.redisUrl === 'string' ? merged.redisUrl : undefined;
    problems.push(...natMapProblems(merged.redisNatMap, 'GW_REDIS_NAT_MAP', url, 'REDIS_URL'));
  }
  problems.push(...misspeltVariables(env));
  problems.push(...handSetProcessNumber(env, forkedBySupervisor));
  if (problems.length > 0) throw new ConfigError(problems);
  // The schema just validated `merged` (defaults filled in): it is a Config by construction.
  return Object.freeze(merged as Config);
}
