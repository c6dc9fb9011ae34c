// A clients file for a secret rotation's tests (README.md#rotating-a-clients-secret): the
// development clients, with the secrets given for the clients named (a current `secret`, and a
// `previousSecret` while one rotates), as the file a step of the rotation leaves.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../../gateway/shared/project-root.ts';

type Entry = Record<string, unknown> & { id: string };
export const DEV_CLIENTS = JSON.parse(
  readFileSync(projectPath('config/clients.dev.json'), 'utf8'),
) as Entry[];

/**
 * What a listing of the clients must never show: the development file's secrets and console
 * password hashes, and the secrets a test gave.
 */
export function neverShown(...given: string[]): string[] {
  return [
    ...given,
    ...DEV_CLIENTS.flatMap((c) => [c.secret, c.passwordHash]).filter(
      (v): v is string => typeof v === 'string',
    ),
  ];
}

export interface ClientSecrets {
  secret: string;
  previousSecret?: string;
}

/** Writes `<dir>/clients.json`: the development clients, those named with these secrets. */
export function rotationClientsFile(dir: string, secrets: Record<string, ClientSecrets>): string {
  const file = join(dir, 'clients.json');
  writeFileSync(
    file,
    JSON.stringify(
      DEV_CLIENTS.map((c) => {
        const given = secrets[c.id];
        if (!given) return c;
        const { secret: _secret, previousSecret: _previous, ...rest } = c;
        return { ...rest, ...given };
      }),
    ),
  );
  return file;
}
