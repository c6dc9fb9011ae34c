// The operator console in production mode (gateway/console/README.md#accounts): the operator's
// password hash comes from the variable its passwordHashEnv names, and the session cookie is
// Secure as well as HttpOnly and SameSite=Strict.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../gateway/auth/password-hash.ts';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';

const PASSWORD = 'a long production password';
let gw: ApiGateway;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'swgw-console-prod-')), 'clients.json');
  writeFileSync(
    file,
    JSON.stringify([
      {
        id: 'operator-zhang',
        kind: 'operator',
        rights: ['replay'],
        secretEnv: 'CONSOLE_PROD_ZHANG_SECRET',
        passwordHashEnv: 'CONSOLE_PROD_ZHANG_HASH',
      },
    ]),
  );
  // loadClientRegistry reads both variables from the process environment, as in production.
  Object.assign(process.env, {
    CONSOLE_PROD_ZHANG_SECRET: randomBytes(24).toString('base64url'),
    CONSOLE_PROD_ZHANG_HASH: await hashPassword(PASSWORD, { ln: 14, r: 8, p: 1 }),
  });
  gw = await startApiGateway({
    GW_ENV: 'production',
    GW_CLIENTS_FILE: file,
    GW_DATA_KEYS: generateDataKeys('prod'),
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('the console in production', () => {
  it('signs an operator in with the hash from its variable, the cookie Secure', async () => {
    const c = new ConsoleClient(gw.url);
    expect((await c.signIn('operator-zhang', 'a wrong password')).status).toBe(401);
    const res = await c.signIn('operator-zhang', PASSWORD);
    expect(res.status).toBe(303);
    const cookie = res.setCookies.find((l) => l.startsWith('gw_console='))!;
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    const form = res.setCookies.find((l) => l.startsWith('gw_console_pre='))!;
    expect(form).toContain('Secure');
  });
});
