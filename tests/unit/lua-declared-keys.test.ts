// Every key a Lua script touches is declared in its KEYS (gateway/README.md#redis-cluster): a key
// a script builds itself is, while its slot is resharded, refused or read as missing with no
// redirect, and a case could be dropped or re-created. Read from the scripts' text: no Redis
// command of a script names its key by concatenation (`..`) or from ARGV — but the relay's claim,
// whose reads of the claimed cases go only through its pcall hint, which the store checks again.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../gateway/shared/project-root.ts';

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return luaFiles(path);
    return entry.name.endsWith('.lua') ? [path] : [];
  });
}

const SCRIPTS = ['gateway', 'adapters'].flatMap((dir) => luaFiles(join(PROJECT_ROOT, dir)));
/** Commands whose first argument is not a key. */
const NOT_KEYED = new Set(['PUBLISH']);

/** Each Redis command of a script (comments removed): its name and its first argument's text. */
function commands(lua: string): { via: string; name: string; key: string }[] {
  const code = lua.replace(/--\[\[[\s\S]*?\]\]/g, '').replace(/--[^\n]*/g, '');
  const found: { via: string; name: string; key: string }[] = [];
  const call = /(redis\.p?call|hint)\(\s*'([A-Za-z]+)'\s*,\s*([^,)]*)/g;
  for (const [, via, name, key] of code.matchAll(call)) {
    found.push({ via: via!, name: name!.toUpperCase(), key: key!.trim() });
  }
  return found;
}

const built = (key: string) => key.includes('..') || key.includes('ARGV');

describe('the Lua scripts', () => {
  it('are found: the case, 督办, audit, catalogue, rating and rate-limit scripts', () => {
    const names = SCRIPTS.map((path) => relative(PROJECT_ROOT, path));
    expect(names).toContain('gateway/cases/scripts/create-case.lua');
    expect(names).toContain('gateway/cases/scripts/claim-outbox.lua');
    expect(names).toContain('gateway/auth/scripts/consume-rate.lua');
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  it('name every key they touch from KEYS: none builds one, but the relay claim', () => {
    const builtKeys = SCRIPTS.flatMap((path) =>
      commands(readFileSync(path, 'utf8'))
        .filter((c) => !NOT_KEYED.has(c.name) && built(c.key))
        .map((c) => `${relative(PROJECT_ROOT, path)}: ${c.name} ${c.key}`),
    );
    expect(builtKeys).toEqual([
      'gateway/cases/scripts/claim-outbox.lua: HMGET ARGV[4] .. id',
      'gateway/cases/scripts/claim-outbox.lua: HGET ARGV[4] .. child',
    ]);
  });

  it('the relay claim touches its built keys only through its pcall hint, and else only KEYS[1]', () => {
    const claim = commands(
      readFileSync(join(PROJECT_ROOT, 'gateway/cases/scripts/claim-outbox.lua'), 'utf8'),
    );
    expect(claim.filter((c) => c.via === 'hint').map((c) => c.key)).toEqual([
      'ARGV[4] .. id',
      'ARGV[4] .. child',
    ]);
    expect(new Set(claim.filter((c) => c.via !== 'hint').map((c) => c.key))).toEqual(
      new Set(['KEYS[1]']),
    );
  });
});
