// config/adapters.json: validated by schema with every problem reported at once, *Env secrets
// read from the environment in production (never the file's dev values), then frozen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/load-config.ts';
import {
  loadAdapterSettings,
  resolveAdapterSettings,
  sandboxUrlsForPlaceholders,
  withBaseUrls,
} from '../../../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

/** Every *Env variable named in the file, set to `prod-<name>` (贵州's keys in their hex forms). */
function productionEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const id of ADAPTER_IDS) {
    for (const [key, value] of Object.entries(FILE[id] ?? {})) {
      if (key.endsWith('Env')) env[value as string] = `prod-${String(value)}`;
    }
  }
  for (const id of ADAPTER_IDS) {
    const name = FILE[id]?.baseUrlEnv as string;
    env[name] = `https://${id}.gov.example/api`;
  }
  // 贵州's keys are judged in their hex forms (gz-adapter.ts).
  env.GW_ADAPTER_GZ_SM4_KEY = '0123456789abcdef0123456789abcdef';
  env.GW_ADAPTER_GZ_SM2_PRIVATE_KEY = 'a'.repeat(64);
  env.GW_ADAPTER_GZ_SM2_PUBLIC_KEY = `04${'b'.repeat(128)}`;
  env.GW_ADAPTER_GZ_PLATFORM_PUBLIC_KEY = `04${'c'.repeat(128)}`;
  return env;
}

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('adapter settings', () => {
  it('loads every registered adapter in development with the dev credentials, frozen', () => {
    const table = loadAdapterSettings({ env: 'development', processEnv: {} });
    expect(Object.keys(table).sort()).toEqual([...ADAPTER_IDS].sort());
    expect(table.xz.ratePerSecond).toBe(5);
    expect(table['sc-chengdu'].apiKey).toBe(FILE['sc-chengdu']?.apiKey);
    expect(table.sc).not.toHaveProperty('appSecretEnv');
    expect(Object.isFrozen(table) && Object.isFrozen(table.sc)).toBe(true);
  });

  it('lets an environment variable override a dev value outside production', () => {
    const table = resolveAdapterSettings(FILE, 'test', { GW_ADAPTER_SC_APP_SECRET: 'from-env' });
    expect(table.sc.appSecret).toBe('from-env');
  });

  it('in production reads every secret from the environment and none from the file', () => {
    const table = resolveAdapterSettings(FILE, 'production', productionEnv());
    expect(table.sc.appSecret).toBe('prod-GW_ADAPTER_SC_APP_SECRET');
    expect(table.cq.clientSecret).toBe('prod-GW_ADAPTER_CQ_CLIENT_SECRET');
    expect(table.xz.baseUrl).toBe('https://xz.gov.example/api');
  });

  it('in production names every missing variable at once', () => {
    const found = problems(() => resolveAdapterSettings(FILE, 'production', {}));
    expect(found).toContain(
      'adapters.sc.appSecret: environment variable GW_ADAPTER_SC_APP_SECRET is not set',
    );
    expect(found).toContain(
      'adapters.xz.apiKey: environment variable GW_ADAPTER_XZ_API_KEY is not set',
    );
    expect(found).toContain(
      'adapters.cq.baseUrl: environment variable GW_ADAPTER_CQ_BASE_URL is not set',
    );
    expect(found.filter((p) => p.includes('is not set')).length).toBeGreaterThanOrEqual(
      ADAPTER_IDS.length * 2,
    );
  });

  it('refuses the sandbox placeholder port in production', () => {
    const env = productionEnv();
    env.GW_ADAPTER_SC_BASE_URL = 'http://127.0.0.1:0';
    expect(problems(() => resolveAdapterSettings(FILE, 'production', env))).toEqual([
      'adapters.sc.baseUrl: port 0 is the sandbox placeholder, not a platform',
    ]);
  });

  it('reports every schema problem of the file together', () => {
    const broken = structuredClone(FILE);
    delete broken.gx;
    broken.sc = { ...broken.sc, timeoutMs: 5, appSecretEnv: 'lower-case' };
    broken.cq = { ...broken.cq, concurrency: 0 };
    broken.hubei = {};
    const found = problems(() => resolveAdapterSettings(broken, 'development', {}));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining("required property 'gx'"),
        expect.stringMatching(/^adapters\.sc\.timeoutMs: /),
        expect.stringMatching(/^adapters\.sc\.appSecretEnv: /),
        expect.stringMatching(/^adapters\.cq\.concurrency: /),
        expect.stringContaining('(hubei)'),
      ]),
    );
  });

  it('reports a missing credential by name', () => {
    const broken = structuredClone(FILE);
    delete broken['sc-chengdu']?.apiKey;
    expect(problems(() => resolveAdapterSettings(broken, 'development', {}))).toEqual([
      'adapters.sc-chengdu.apiKey: required (or GW_ADAPTER_SC_CHENGDU_API_KEY)',
    ]);
  });

  it("checks each dialect's keys against its descriptor's schema: empty is missing, a number is wrong", () => {
    const broken = structuredClone(FILE);
    broken.gx = { ...broken.gx, appSecret: '' };
    broken.yn = { ...broken.yn, sendCode: 42 };
    expect(problems(() => resolveAdapterSettings(broken, 'development', {}))).toEqual([
      'adapters.yn.sendCode: must be string',
      'adapters.gx.appSecret: required (or GW_ADAPTER_GX_APP_SECRET)',
    ]);
  });

  it('refuses 贵州 keys not in their hex forms (SM4 32 digits, SM2 private 64, public 04 and 128), naming each variable and no value', () => {
    const env = {
      ...productionEnv(),
      GW_ADAPTER_GZ_SM4_KEY: 'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Ng',
      GW_ADAPTER_GZ_SM2_PRIVATE_KEY: 'a'.repeat(63),
      GW_ADAPTER_GZ_PLATFORM_PUBLIC_KEY: `02${'c'.repeat(64)}`,
    };
    const found = problems(() => resolveAdapterSettings(FILE, 'production', env));
    expect(found).toEqual([
      'adapters.gz.sm4Key: must match pattern "^[0-9a-fA-F]{32}$" (GW_ADAPTER_GZ_SM4_KEY or the file)',
      'adapters.gz.privateKey: must match pattern "^[0-9a-fA-F]{64}$" (GW_ADAPTER_GZ_SM2_PRIVATE_KEY or the file)',
      'adapters.gz.platformPublicKey: must match pattern "^04[0-9a-fA-F]{128}$" (GW_ADAPTER_GZ_PLATFORM_PUBLIC_KEY or the file)',
    ]);
    for (const value of [env.GW_ADAPTER_GZ_SM4_KEY, env.GW_ADAPTER_GZ_SM2_PRIVATE_KEY])
      expect(found.join('\n')).not.toContain(value);
  });

  it('points adapters at sandboxes with withBaseUrls, leaving the rest alone', () => {
    const table = loadAdapterSettings({ env: 'test', processEnv: {} });
    const moved = withBaseUrls(table, { xz: 'http://127.0.0.1:4321' });
    expect(moved.xz.baseUrl).toBe('http://127.0.0.1:4321');
    expect(moved.xz.apiKey).toBe(table.xz.apiKey);
    expect(moved.sc).toBe(table.sc);
    expect(Object.isFrozen(moved.xz)).toBe(true);
  });

  it("fills only placeholders with sandboxes' addresses: an adapter given GW_ADAPTER_YN_BASE_URL keeps it", () => {
    const table = loadAdapterSettings({
      env: 'development',
      processEnv: { GW_ADAPTER_YN_BASE_URL: 'http://127.0.0.1:9053/yn' },
    });
    const sandboxes = { yn: 'http://127.0.0.1:41001', xz: 'http://127.0.0.1:41002' };
    const moved = withBaseUrls(table, sandboxUrlsForPlaceholders(table, sandboxes));
    expect(moved.yn.baseUrl).toBe('http://127.0.0.1:9053/yn');
    expect(moved.xz.baseUrl).toBe('http://127.0.0.1:41002');
  });
});
