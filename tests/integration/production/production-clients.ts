// A production clients file for tests: no inline secrets, each one named by secretEnv, with the
// secrets themselves returned as environment variables (README.md#production-mode), together with
// the other secret a production start needs, the data keys (GW_DATA_KEYS).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataKeys } from '../../../gateway/personal-data/data-keys.ts';

export interface ProductionClients {
  file: string;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

const CLIENTS = [
  { id: 'portal-sc', kind: 'portal', province: '51' },
  { id: 'portal-gx', kind: 'portal', province: '45' },
  { id: 'province-sc', kind: 'province', province: '51', adapter: 'sc' },
  { id: 'operator-ops', kind: 'operator', rights: ['replay'] },
];

export function productionClients(): ProductionClients {
  const env: Record<string, string> = { GW_DATA_KEYS: generateDataKeys('prod') };
  const secrets: Record<string, string> = {};
  const entries = CLIENTS.map((client) => {
    const secretEnv = `PROD_${client.id.toUpperCase().replace(/-/g, '_')}_SECRET`;
    const secret = randomBytes(24).toString('base64url');
    env[secretEnv] = secret;
    secrets[client.id] = secret;
    return { ...client, secretEnv };
  });
  const file = join(mkdtempSync(join(tmpdir(), 'swgw-prod-')), 'clients.json');
  writeFileSync(file, JSON.stringify(entries, null, 2));
  return { file, env, secrets };
}
