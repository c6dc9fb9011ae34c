// Registered API clients (gateway/README.md#authentication-and-signing): portals, province
// platforms and operators. Development uses config/clients.dev.json; production must name its own
// file (GW_CLIENTS_FILE) whose secrets come from the environment (secretEnv), and refuses the
// development file and its secrets.
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SIGNATURE_METHODS, type SignatureMethod } from '../client/signing.ts';
import { parsePasswordHash } from './password-hash.ts';
import { projectPath } from '../shared/project-root.ts';

export type ClientKind = 'portal' | 'province' | 'operator';
/**
 * What an operator may do beyond reading (gateway/README.md#operator-rights): edit catalogue
 * drafts, approve another operator's draft, replay dead letters, read personal data unmasked,
 * read the audit chain, decide appeals against 差评, count and re-seal the records of a data key.
 */
export const OPERATOR_RIGHTS = [
  'catalogue:edit',
  'catalogue:approve',
  'replay',
  'unmask',
  'audit:read',
  'appeal',
  'data-keys',
] as const;
export type OperatorRight = (typeof OPERATOR_RIGHTS)[number];

export interface Client {
  readonly id: string;
  readonly kind: ClientKind;
  readonly province?: string;
  readonly adapter?: string;
  readonly secret: string;
  readonly signatureMethods: readonly SignatureMethod[];
  readonly ratePerSecond?: number;
  readonly rights: readonly OperatorRight[];
  /** An operator's console password, scrypt-hashed (auth/password-hash.ts); none: no sign-in. */
  readonly passwordHash?: string;
}

export interface ClientRegistry {
  get(id: string): Client | undefined;
  all(): readonly Client[];
}

interface RawClient extends Omit<Client, 'secret' | 'signatureMethods' | 'rights'> {
  secret?: string;
  secretEnv?: string;
  passwordHashEnv?: string;
  signatureMethods?: SignatureMethod[];
  rights?: OperatorRight[];
}

export const DEV_CLIENTS_FILE = projectPath('config/clients.dev.json');

export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

export interface ClientSettings {
  env: 'development' | 'test' | 'production';
  clientsFile?: string;
}

export function loadClientRegistry(
  settings: ClientSettings,
  environment: NodeJS.ProcessEnv = process.env,
): ClientRegistry {
  const file = settings.clientsFile ?? DEV_CLIENTS_FILE;
  const production = settings.env === 'production';
  if (production && (!settings.clientsFile || basename(file) === 'clients.dev.json')) {
    throw new ClientConfigError(
      'production mode refuses config/clients.dev.json: set GW_CLIENTS_FILE to your clients file',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ClientConfigError(`clients file ${file}: ${(error as Error).message}`);
  }
  const ajv = new SharedMetaAjv({ allErrors: true, strict: true, strictRequired: false });
  const validate = ajv.compile(
    JSON.parse(readFileSync(projectPath('config/clients.schema.json'), 'utf8')) as object,
  );
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ClientConfigError(`clients file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
  const problems: string[] = [];
  const clients = new Map<string, Client>();
  for (const c of raw as RawClient[]) {
    const secret = c.secret ?? (c.secretEnv ? environment[c.secretEnv] : undefined);
    if (!secret || secret.length < 32) {
      problems.push(
        `${c.id}: secret missing or shorter than 32 characters (${c.secretEnv ?? 'secret'})`,
      );
      continue;
    }
    if (production && secret.startsWith('dev-'))
      problems.push(`${c.id}: development secret in production`);
    if (clients.has(c.id)) problems.push(`${c.id}: listed twice`);
    const passwordHash = operatorPasswordHash(c, production, environment, problems);
    const { secretEnv: _secretEnv, passwordHashEnv: _passwordHashEnv, ...rest } = c;
    clients.set(
      c.id,
      Object.freeze({
        ...rest,
        ...(passwordHash ? { passwordHash } : {}),
        secret,
        signatureMethods: Object.freeze(c.signatureMethods ?? [...SIGNATURE_METHODS]),
        rights: Object.freeze(c.rights ?? []),
      }),
    );
  }
  if (problems.length > 0) {
    throw new ClientConfigError(`clients file ${file}:\n  - ${problems.join('\n  - ')}`);
  }
  const list = Object.freeze([...clients.values()]);
  return { get: (id) => clients.get(id), all: () => list };
}

/**
 * An operator's console password hash: `passwordHash` in the file (development; the README
 * publishes those passwords, so production refuses it) or the variable `passwordHashEnv` names.
 */
function operatorPasswordHash(
  c: RawClient,
  production: boolean,
  environment: NodeJS.ProcessEnv,
  problems: string[],
): string | undefined {
  if (c.kind !== 'operator') {
    if (c.passwordHash !== undefined || c.passwordHashEnv !== undefined)
      problems.push(`${c.id}: only operators sign in to the console (passwordHash)`);
    return undefined;
  }
  if (production && c.passwordHash !== undefined) {
    problems.push(`${c.id}: production reads console password hashes from passwordHashEnv only`);
    return undefined;
  }
  const hash = c.passwordHash ?? (c.passwordHashEnv ? environment[c.passwordHashEnv] : undefined);
  if (c.passwordHashEnv && hash === undefined) {
    problems.push(`${c.id}: ${c.passwordHashEnv} is not set (console password hash)`);
    return undefined;
  }
  if (hash === undefined) return undefined;
  try {
    parsePasswordHash(hash);
  } catch (error) {
    problems.push(`${c.id}: console password hash ${(error as Error).message}`);
    return undefined;
  }
  return hash;
}
