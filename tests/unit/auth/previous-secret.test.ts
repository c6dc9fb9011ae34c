// A client's previous secret in the clients file (gateway/auth/client-registry.ts,
// README.md#rotating-a-clients-secret): read from previousSecretEnv (or previousSecret), held to the
// current secret's rules, named at most one way, and absent from a client that names none.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClientRegistry } from '../../../gateway/auth/client-registry.ts';

const NEW_SECRET = 'n'.repeat(40);
const OLD_SECRET = 'o'.repeat(40);

function registry(entry: Record<string, unknown>, environment: NodeJS.ProcessEnv = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'swgw-previous-')), 'clients.json');
  writeFileSync(
    file,
    JSON.stringify([{ id: 'portal-sc', kind: 'portal', province: '51', ...entry }]),
  );
  return loadClientRegistry({ env: 'test', clientsFile: file }, environment);
}

describe("a client's previous secret", () => {
  it('is read from the variable previousSecretEnv names, beside the current secret', () => {
    const client = registry(
      { secretEnv: 'SC_NEW', previousSecretEnv: 'SC_OLD' },
      { SC_NEW: NEW_SECRET, SC_OLD: OLD_SECRET },
    ).get('portal-sc');
    expect(client).toMatchObject({ secret: NEW_SECRET, previousSecret: OLD_SECRET });
    expect(Object.keys(client!)).not.toContain('previousSecretEnv');
  });

  it('is absent from a client that names none', () => {
    expect(registry({ secret: NEW_SECRET }).get('portal-sc')).not.toHaveProperty('previousSecret');
  });

  it('is refused when given both inline and by variable', () => {
    expect(() =>
      registry(
        { secret: NEW_SECRET, previousSecret: OLD_SECRET, previousSecretEnv: 'SC_OLD' },
        { SC_OLD: OLD_SECRET },
      ),
    ).toThrow(/must NOT be valid/);
  });

  it('is refused shorter than 32 characters, naming the client and the variable', () => {
    expect(() =>
      registry({ secret: NEW_SECRET, previousSecretEnv: 'SC_OLD' }, { SC_OLD: 'short' }),
    ).toThrow('portal-sc: previous secret missing or shorter than 32 characters (SC_OLD)');
  });
});
