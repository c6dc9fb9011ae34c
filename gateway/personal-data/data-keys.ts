// The keys that encrypt personal data at rest (gateway/README.md#encryption-at-rest). Operators
// give them as GW_DATA_KEYS = `<id>:<base64 of 32 bytes>,<id>:<…>`: GW_DATA_KEY_ID (or the first
// listed) encrypts new records, every listed key decrypts, and each record names the key that
// sealed it, so a key is rotated by listing a new one first and dropping the old one only once no
// record under it is left. Production refuses to start without keys; development and test
// generate one into the private data folder (.data/data-keys, GW_DATA_KEY_FILE), shared by every
// process of the local system. Problems never echo key material.
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, type Config } from '../../config/load-config.ts';
import { projectPath } from '../shared/project-root.ts';

export interface DataKey {
  readonly id: string;
  /**
   * The 32 bytes as a KeyObject, built once: handing createCipheriv a Buffer made Node import
   * the key again on every seal and open (≈ 25 µs of the ≈ 40 µs a cipher costs).
   */
  readonly key: KeyObject;
}

export interface DataKeyRing {
  /** The key new records are sealed under. */
  readonly current: DataKey;
  readonly ids: readonly string[];
  /** Where the keys were listed (GW_DATA_KEYS, PORTAL_DATA_KEYS, a development key file). */
  readonly source: string;
  find(id: string): DataKey | undefined;
}

export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses `<id>:<base64>,…`; `source` names where the text came from in every problem. */
export function parseDataKeys(
  text: string,
  currentId: string | undefined,
  source: string,
): DataKeyRing {
  const problems: string[] = [];
  const keys = new Map<string, DataKey>();
  text
    .split(',')
    .map((entry) => entry.trim())
    .forEach((entry, i) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      const material = colon > 0 ? entry.slice(colon + 1) : '';
      if (!KEY_ID.test(id)) {
        problems.push(
          `${source} entry ${i + 1}: must be <id>:<base64>, the id 1–32 of A-Z a-z 0-9 _ -`,
        );
        return;
      }
      const key = BASE64.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
      if (key.length !== KEY_BYTES)
        problems.push(
          `${source} key ${id}: must be ${KEY_BYTES} bytes in base64, got ${key.length}`,
        );
      else if (keys.has(id)) problems.push(`${source} key ${id}: listed twice`);
      else keys.set(id, { id, key: createSecretKey(key) });
    });
  const current = keys.get(currentId ?? '') ?? (currentId ? undefined : [...keys.values()][0]);
  if (problems.length === 0 && !current)
    problems.push(
      currentId
        ? `GW_DATA_KEY_ID ${currentId} is not one of the ${source} keys (${[...keys.keys()].join(', ')})`
        : `${source} lists no key`,
    );
  if (problems.length > 0 || !current) throw new ConfigError(problems);
  return Object.freeze({
    current,
    ids: Object.freeze([...keys.keys()]),
    source,
    find: (id: string) => keys.get(id),
  });
}

/** A fresh key in GW_DATA_KEYS form, for a development data folder or a test run. */
export function generateDataKeys(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Reads the development key file, creating it once when missing. It is written whole under a name
 * of this process's own, then linked into place: the gateway and the workers starting together
 * (docker-compose's share it on a volume) cannot each keep a different key, and none can read the
 * winner's file before its key is in it — whoever loses the link reads the winner's.
 */
function developmentKeys(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(draft, `${generateDataKeys('dev')}\n`, { flag: 'wx', mode: 0o600 });
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}

export type DataKeySettings = Pick<Config, 'env' | 'dataKeys' | 'dataKeyId' | 'dataKeyFile'>;

/** Whose keys a ring holds: the variable that lists them and the development key file. */
export interface DataKeyOrigin {
  /** The environment variable, named in every problem. */
  readonly variable: string;
  /** Development and test: the generated key's file when the variable is unset. */
  readonly developmentFile: string;
  /** Where the rule that makes the keys required in production is documented. */
  readonly rule: string;
  /** What the keys are for, said when production lacks them (default: encryption at rest). */
  readonly purpose?: string;
}

const GATEWAY_KEYS: DataKeyOrigin = {
  variable: 'GW_DATA_KEYS',
  developmentFile: '.data/data-keys',
  rule: 'gateway/README.md#encryption-at-rest',
};

/**
 * The gateway's ring by default; another process that keeps personal data (the reference portal,
 * PORTAL_DATA_KEYS) names its own variable and development file, with the same format and rules.
 */
export function loadDataKeys(
  settings: DataKeySettings,
  origin: DataKeyOrigin = GATEWAY_KEYS,
): DataKeyRing {
  if (settings.dataKeys)
    return parseDataKeys(settings.dataKeys, settings.dataKeyId, origin.variable);
  if (settings.env === 'production')
    throw new ConfigError([
      `${origin.variable} is required in production: ${origin.purpose ?? 'personal data is encrypted at rest'} (${origin.rule})`,
    ]);
  const file = settings.dataKeyFile ?? projectPath(origin.developmentFile);
  return parseDataKeys(developmentKeys(file), settings.dataKeyId, file);
}
