import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, loadConfig, SETTINGS_SCHEMA, type Config } from '../../config/load-config.ts';
import { renderConfigTable } from '../../scripts/generate-readme-tables.ts';

function configError(env: NodeJS.ProcessEnv, forkedBySupervisor = false): ConfigError {
  try {
    loadConfig(env, forkedBySupervisor);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('fills every default when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 8080, bodyLimitBytes: 262144 });
    expect(config.redisUrl).toBeUndefined();
  });

  it('takes environment variables over the config file, coercing numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'gw.json');
    writeFileSync(file, JSON.stringify({ port: 9000, logLevel: 'warn' }));
    const config = loadConfig({ GW_CONFIG_FILE: file, PORT: '9100', REDIS_URL: 'redis://r:6379' });
    expect(config.port).toBe(9100);
    expect(config.logLevel).toBe('warn');
    expect(config.redisUrl).toBe('redis://r:6379');
  });

  it('derives Config from the schema: a setting with a default is always there, one without is optional', () => {
    // The type half is checked by `npm run typecheck` (expectTypeOf is erased at run time); the
    // run-time half checks the loader gives what the type promises.
    expectTypeOf<Config['port']>().toEqualTypeOf<number>();
    expectTypeOf<Config['env']>().toEqualTypeOf<'development' | 'test' | 'production'>();
    expectTypeOf<Config['redisUrl']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<keyof Config>().toEqualTypeOf<keyof typeof SETTINGS_SCHEMA.properties>();
    const withDefault = Object.entries(SETTINGS_SCHEMA.properties)
      .filter(([, p]) => 'default' in p)
      .map(([name]) => name);
    expect(Object.keys(loadConfig({})).sort()).toEqual(withDefault.sort());
  });

  it('defaults the HTTP timeouts: 10 s body, 10 s headers, 30 s request, 5 s keep-alive', () => {
    expect(loadConfig({})).toMatchObject({
      bodyTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
  });

  it('refuses a headers timeout longer than the request timeout, naming both variables', () => {
    const error = configError({ GW_HEADERS_TIMEOUT_MS: '20000', GW_REQUEST_TIMEOUT_MS: '10000' });
    expect(error.problems).toEqual([
      expect.stringMatching(/GW_HEADERS_TIMEOUT_MS.*GW_REQUEST_TIMEOUT_MS/),
    ]);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('names both mistakes of a config with two mistakes, with their variables', () => {
    const error = configError({ PORT: 'eighty', GW_BODY_LIMIT_BYTES: '12' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('port (PORT)');
    expect(error.message).toContain('bodyLimitBytes (GW_BODY_LIMIT_BYTES)');
  });

  it('reports an unknown key in the config file and a bad Redis URL together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'gw.json');
    writeFileSync(file, JSON.stringify({ prot: 8080 }));
    const error = configError({ GW_CONFIG_FILE: file, REDIS_URL: 'http://localhost' });
    expect(error.problems.join('\n')).toMatch(/prot/);
    expect(error.problems.join('\n')).toMatch(/redisUrl \(REDIS_URL\)/);
  });

  it('reports a config file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'gw.json');
    writeFileSync(file, '{ port: ');
    expect(configError({ GW_CONFIG_FILE: file }).message).toContain('GW_CONFIG_FILE');
  });

  it('documents every setting in the README table, generated from the schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme
      .split('<!-- config-table:start -->')[1]
      ?.split('<!-- config-table:end -->')[0];
    expect(table?.trim()).toBe(renderConfigTable().trim());
    for (const name of Object.keys(SETTINGS_SCHEMA.properties))
      expect(table).toContain(`\`${name}\``);
  });

  it('a misspelt GW_ENV (GW_EVN=production) is refused in development, naming it and GW_ENV, not started in development mode', () => {
    expect(configError({ GW_EVN: 'production' }).problems).toEqual([
      expect.stringMatching(/^GW_EVN: not a setting \(did you mean GW_ENV\?\)/),
    ]);
  });

  it('a misspelt GW_ setting is refused in test mode too, naming the setting it likely meant', () => {
    expect(configError({ GW_ENV: 'test', GW_REDIS_WAIT_REPLICA: '1' }).problems).toEqual([
      expect.stringMatching(
        /^GW_REDIS_WAIT_REPLICA: not a setting \(did you mean GW_REDIS_WAIT_REPLICAS\?\)/,
      ),
    ]);
  });

  it('a GW_ name further than three edits from every setting is not refused in development', () => {
    expect(loadConfig({ GW_TEAM_PORTAL_SECRET_FOR_SICHUAN: 'x' }, false).env).toBe('development');
  });

  it('GW_GATEWAY_PROCESS set by hand is refused; on a process the supervisor forked it is accepted', () => {
    expect(configError({ GW_GATEWAY_PROCESS: '1' }).problems).toEqual([
      expect.stringMatching(/^GW_GATEWAY_PROCESS: set by the supervisor/),
    ]);
    expect(loadConfig({ GW_GATEWAY_PROCESS: '1' }, true).env).toBe('development');
  });
});
