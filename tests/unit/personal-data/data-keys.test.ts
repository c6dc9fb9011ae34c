// Data keys (gateway/personal-data/data-keys.ts): GW_DATA_KEYS parsed with every problem named and
// no key material echoed; production refuses to run without keys; development generates one into
// the private data folder, once, and every process reads the same.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/load-config.ts';
import {
  generateDataKeys,
  loadDataKeys,
  parseDataKeys,
} from '../../../gateway/personal-data/data-keys.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const execFileAsync = promisify(execFile);

const good = generateDataKeys('k1');
const material = good.split(':')[1]!;

function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('GW_DATA_KEYS', () => {
  it('uses the first listed key for new records unless GW_DATA_KEY_ID names another', () => {
    const other = generateDataKeys('k0');
    expect(parseDataKeys(`${good}, ${other}`, undefined, 'GW_DATA_KEYS').current.id).toBe(
      good.split(':')[0],
    );
    const chosen = parseDataKeys(`${good},${other}`, other.split(':')[0], 'GW_DATA_KEYS');
    expect(chosen.current.id).toBe(other.split(':')[0]);
    expect(chosen.ids).toHaveLength(2);
  });

  it('names every problem at once and never echoes key material', () => {
    const found = problems(() =>
      parseDataKeys(
        `bad id:${material},k2:${material.slice(0, 20)},${good},${good}`,
        undefined,
        'GW_DATA_KEYS',
      ),
    );
    expect(found).toEqual([
      'GW_DATA_KEYS entry 1: must be <id>:<base64>, the id 1–32 of A-Z a-z 0-9 _ -',
      'GW_DATA_KEYS key k2: must be 32 bytes in base64, got 15',
      `GW_DATA_KEYS key ${good.split(':')[0]}: listed twice`,
    ]);
    expect(found.join('\n')).not.toContain(material.slice(0, 8));
  });

  it('refuses a GW_DATA_KEY_ID that is not listed', () => {
    expect(problems(() => parseDataKeys(good, 'k9', 'GW_DATA_KEYS'))).toEqual([
      `GW_DATA_KEY_ID k9 is not one of the GW_DATA_KEYS keys (${good.split(':')[0]})`,
    ]);
  });
});

describe('where the keys come from', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('refuses production without GW_DATA_KEYS', () => {
    expect(problems(() => loadDataKeys({ env: 'production' }))).toEqual([
      expect.stringMatching(/^GW_DATA_KEYS is required in production/),
    ]);
  });

  it('takes GW_DATA_KEYS in production', () => {
    expect(loadDataKeys({ env: 'production', dataKeys: good }).current.id).toBe(good.split(':')[0]);
  });

  it('generates the development key into the data folder once, readable by its owner only', () => {
    dir = mkdtempSync(join(tmpdir(), 'swgw-keys-'));
    const dataKeyFile = join(dir, 'nested', 'data-keys');
    const first = loadDataKeys({ env: 'development', dataKeyFile });
    const second = loadDataKeys({ env: 'development', dataKeyFile });
    expect(second.current).toEqual(first.current);
    expect(readFileSync(dataKeyFile, 'utf8')).toMatch(/^dev-[0-9a-f]{6}:[A-Za-z0-9+/]{43}=\n$/);
    expect(statSync(dataKeyFile).mode & 0o777).toBe(0o600);
  });

  it('gives processes starting together on one data folder the same development key, and leaves no draft file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'swgw-keys-'));
    const dataKeyFile = join(dir, 'data-keys');
    const module = projectPath('gateway/personal-data/data-keys.ts');
    const code = `const { loadDataKeys } = await import(${JSON.stringify(module)});
      const ring = loadDataKeys({ env: 'development', dataKeyFile: process.argv[1] });
      console.log(ring.current.id + ' ' + ring.current.key.export().toString('base64'));`;
    const starts = Array.from({ length: 6 }, () =>
      execFileAsync(process.execPath, ['--input-type=module', '-e', code, dataKeyFile]),
    );
    const keys = new Set((await Promise.all(starts)).map((r) => r.stdout.trim()));
    expect(keys.size).toBe(1);
    expect(readdirSync(dir)).toEqual(['data-keys']);
    expect([...keys][0]).toBe(readFileSync(dataKeyFile, 'utf8').trim().replace(':', ' '));
  });
});
