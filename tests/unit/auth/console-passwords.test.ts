// Console passwords (gateway/console/README.md#accounts): scrypt hashes carrying their cost and
// salt, checked in constant time; the clients file gives operators a hash in development and
// names an environment variable in production, and refuses anything else.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  hashPassword,
  parsePasswordHash,
} from '../../../gateway/auth/password-hash.ts';
import { loadClientRegistry } from '../../../gateway/auth/client-registry.ts';

const COST = { ln: 14, r: 8, p: 1 };

function clientsFile(entries: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-clients-'));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify(entries));
  return file;
}

const operator = (extra: object) => ({
  id: 'operator-zhang',
  kind: 'operator',
  secretEnv: 'ZHANG_SECRET',
  rights: ['replay'],
  ...extra,
});
const env = { ZHANG_SECRET: 'x'.repeat(40) };

describe('console password hashes', () => {
  it('carry their cost and a fresh salt, and check only the right password', async () => {
    const a = await hashPassword('correct horse battery', COST);
    const b = await hashPassword('correct horse battery', COST);
    expect(a).toMatch(/^scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await checkPassword('correct horse battery', a)).toBe(true);
    expect(await checkPassword('correct horse batterY', a)).toBe(false);
    expect(await checkPassword('', a)).toBe(false);
  });

  it('check a password against no hash as false (an unknown operator)', async () => {
    expect(await checkPassword('anything', undefined)).toBe(false);
  });

  it('refuse strings that are not scrypt hashes, or too cheap', () => {
    expect(() => parsePasswordHash('plain-password')).toThrow(/not a scrypt/);
    expect(() =>
      parsePasswordHash('scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43)),
    ).toThrow(/cost/);
  });

  it('match the documented development passwords', async () => {
    const clients = loadClientRegistry({ env: 'development' });
    for (const [id, password] of [
      ['operator-dev', 'operator-dev-2026'],
      ['operator-dev-2', 'operator-dev-2-2026'],
      ['operator-readonly', 'readonly-dev-2026'],
    ] as const) {
      expect(await checkPassword(password, clients.get(id)?.passwordHash), id).toBe(true);
    }
  });
});

describe('operator password hashes in the clients file', () => {
  it('come from passwordHashEnv in production, and a literal passwordHash is refused there', async () => {
    const hash = await hashPassword('a-production-password', COST);
    const fromEnv = loadClientRegistry(
      {
        env: 'production',
        clientsFile: clientsFile([operator({ passwordHashEnv: 'ZHANG_HASH' })]),
      },
      { ...env, ZHANG_HASH: hash },
    );
    expect(fromEnv.get('operator-zhang')?.passwordHash).toBe(hash);
    expect(() =>
      loadClientRegistry(
        { env: 'production', clientsFile: clientsFile([operator({ passwordHash: hash })]) },
        env,
      ),
    ).toThrow(/production reads console password hashes from passwordHashEnv only/);
  });

  it('refuse an unset variable, a malformed hash, and a hash on a portal', async () => {
    const hash = await hashPassword('a-production-password', COST);
    expect(() =>
      loadClientRegistry(
        {
          env: 'production',
          clientsFile: clientsFile([operator({ passwordHashEnv: 'ZHANG_HASH' })]),
        },
        env,
      ),
    ).toThrow(/ZHANG_HASH is not set/);
    expect(() =>
      loadClientRegistry(
        { env: 'development', clientsFile: clientsFile([operator({ passwordHash: 'letmein' })]) },
        env,
      ),
    ).toThrow(/console password hash not a scrypt/);
    expect(() =>
      loadClientRegistry(
        {
          env: 'development',
          clientsFile: clientsFile([
            {
              id: 'portal-x',
              kind: 'portal',
              province: '51',
              secret: 'y'.repeat(40),
              passwordHash: hash,
            },
          ]),
        },
        env,
      ),
    ).toThrow(/only operators sign in to the console/);
  });
});
