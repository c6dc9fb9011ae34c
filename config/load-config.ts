// Loads the gateway's settings: defaults from config/settings.schema.json, then the JSON file
// named by GW_CONFIG_FILE, then environment variables (each setting's x-env). The merged object is
// validated once, every problem reported together, then frozen and passed down explicitly
// (gateway/README.md#construct-dont-patch: no module-level singletons).
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { projectPath } from '../gateway/shared/project-root.ts';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly port: number;
  readonly host: string;
  readonly redisUrl?: string;
  readonly keyPrefix: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimitBytes: number;
  readonly redisCommandTimeoutMs: number;
  readonly redisConnectTimeoutMs: number;
  readonly redisReconnectMaxDelayMs: number;
  readonly redisStartupTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly shutdownTimeoutMs: number;
  readonly trustProxy: boolean;
  readonly clientsFile?: string;
  readonly clockSkewSeconds: number;
  readonly nonceTtlSeconds: number;
  readonly rateLimitPerSecond: number;
  readonly idempotencyTtlSeconds: number;
  readonly reconcileIntervalMs: number;
  readonly reconcileAgeMs: number;
  readonly deliveryAttempts: number;
  readonly deliveryBackoffMs: number;
  readonly workerLockDurationMs: number;
  readonly workerStalledIntervalMs: number;
  readonly breakerThreshold: number;
  readonly breakerCoolDownMs: number;
  readonly adaptersFile?: string;
  readonly docsEnabled: boolean;
  readonly metricsEnabled: boolean;
  readonly caseRetentionDays: number;
  readonly supervisionIntervalMs: number;
}

export interface SettingSpec {
  name: string;
  description: string;
  type: string;
  default?: unknown;
  env: string;
  constraint: string;
}

interface PropertySchema {
  description: string;
  type: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  'x-env': string;
}

export const SETTINGS_SCHEMA = JSON.parse(
  readFileSync(projectPath('config/settings.schema.json'), 'utf8'),
) as { properties: Record<string, PropertySchema>; required: string[] };

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
  return Object.entries(SETTINGS_SCHEMA.properties).map(([name, p]) => ({
    name,
    description: p.description,
    type: p.type,
    default: p.default,
    env: p['x-env'],
    constraint: p.enum
      ? p.enum.join(' \\| ')
      : p.pattern
        ? `\`${p.pattern}\``
        : p.minimum !== undefined
          ? `${p.minimum}–${p.maximum}`
          : '',
  }));
}

function compileValidator() {
  // Environment values arrive as strings; coercion turns "8080" into 8080 for this schema only.
  const ajv = new Ajv2020({ allErrors: true, coerceTypes: true, useDefaults: true, strict: true });
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const merged: Record<string, unknown> = { ...readConfigFile(env.GW_CONFIG_FILE, problems) };
  for (const [name, spec] of Object.entries(SETTINGS_SCHEMA.properties)) {
    const value = env[spec['x-env']];
    if (value !== undefined && value !== '') merged[name] = value;
  }
  const validate = compileValidator();
  if (!validate(merged)) {
    for (const error of validate.errors ?? []) {
      const name = error.instancePath.slice(1) || String(error.params.additionalProperty ?? '');
      const envName = SETTINGS_SCHEMA.properties[name]?.['x-env'];
      const where = envName ? `${name} (${envName})` : name;
      problems.push(`${where}: ${error.message ?? 'invalid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(merged as unknown as Config);
}
