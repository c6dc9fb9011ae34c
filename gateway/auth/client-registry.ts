// Registered API clients (gateway/README.md#authentication-and-signing): portals, province
// platforms and operators. Development uses config/clients.dev.json; production must name its own
// file (GW_CLIENTS_FILE) whose secrets come from the environment (secretEnv), and refuses the
// development file and its secrets. A client may name a previous secret (previousSecretEnv) while
// it rotates: the header contract carries no key id, so the gateway accepts either during the
// overlap (README.md#rotating-a-clients-secret).
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
  /** The current secret: requests may be signed with it, and the gateway signs with it. */
  readonly secret: string;
  /**
   * The secret being rotated out, accepted on requests beside `secret` until the operator drops
   * it; never used to sign. Absent: no rotation in progress.
   */
  readonly previousSecret?: string;
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

interface RawClient extends Omit<
  Client,
  'secret' | 'previousSecret' | 'signatureMethods' | 'rights'
> {
  secret?: string;
  secretEnv?: string;
  previousSecret?: string;
  previousSecretEnv?: string;
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
    const secret = clientSecret(c, c.secret, c.secretEnv, 'secret', production, environment);
    if (typeof secret !== 'string') {
      problems.push(secret.problem);
      continue;
    }
    const previous = previousSecret(c, secret, production, environment, problems);
    if (clients.has(c.id)) problems.push(`${c.id}: listed twice`);
    const passwordHash = operatorPasswordHash(c, production, environment, problems);
    const {
      secretEnv: _secretEnv,
      previousSecretEnv: _previousSecretEnv,
      passwordHashEnv: _passwordHashEnv,
      ...rest
    } = c;
    clients.set(
      c.id,
      Object.freeze({
        ...rest,
        ...(passwordHash ? { passwordHash } : {}),
        secret,
        ...(previous ? { previousSecret: previous } : {}),
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
 * One of a client's secrets, by the same rules for the current and the previous one: at least 32
 * characters, and no development secret in production; else what is wrong, naming the client and
 * where the secret was to come from (never the secret).
 */
function clientSecret(
  c: RawClient,
  literal: string | undefined,
  variable: string | undefined,
  what: 'secret' | 'previousSecret',
  production: boolean,
  environment: NodeJS.ProcessEnv,
): string | { problem: string } {
  const secret = literal ?? (variable ? environment[variable] : undefined);
  const label = what === 'secret' ? 'secret' : 'previous secret';
  if (!secret || secret.length < 32)
    return {
      problem: `${c.id}: ${label} missing or shorter than 32 characters (${variable ?? what})`,
    };
  if (production && secret.startsWith('dev-'))
    return { problem: `${c.id}: development ${label} in production (${variable ?? what})` };
  return secret;
}

/** The previous secret a rotating client names, checked; undefined when it names none. */
function previousSecret(
  c: RawClient,
  current: string,
  production: boolean,
  environment: NodeJS.ProcessEnv,
  problems: string[],
): string | undefined {
  if (c.previousSecret === undefined && c.previousSecretEnv === undefined) return undefined;
  const previous = clientSecret(
    c,
    c.previousSecret,
    c.previousSecretEnv,
    'previousSecret',
    production,
    environment,
  );
  if (typeof previous !== 'string') {
    problems.push(previous.problem);
    return undefined;
  }
  // The same secret twice is no rotation: the operator put the new one in the wrong place.
  if (previous === current) {
    problems.push(
      `${c.id}: previous secret equals the current one (${c.previousSecretEnv ?? 'previousSecret'}): give the new secret as the current one`,
    );
    return undefined;
  }
  return previous;
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
