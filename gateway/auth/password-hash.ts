// Operator passwords for the console (gateway/console/README.md#accounts): stored only as scrypt hashes whose
// string carries everything needed to check them again — `scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<key>`
// (salt and key base64url) — so the cost can be raised for new hashes without breaking old ones.
// Checking is asynchronous (libuv's thread pool, not the event loop) and takes as long for an
// unknown operator as for a known one, so sign-in timing does not tell which ids exist.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 × 8 × 128 bytes = 32 MiB and roughly 0.1 s per check on one core. */
export const DEFAULT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;

export class PasswordHashError extends Error {
  override name = 'PasswordHashError';
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

/** The parts of a stored hash, or an error naming what is wrong (checked when clients load). */
export function parsePasswordHash(stored: string): ParsedHash {
  const m = FORMAT.exec(stored);
  if (!m) throw new PasswordHashError('not a scrypt$ln=…,r=…,p=…$salt$key string');
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.ln < 14 || cost.ln > 20 || cost.r < 8 || cost.p < 1 || cost.p > 4)
    throw new PasswordHashError('scrypt cost outside ln 14–20, r ≥ 8, p 1–4');
  return { cost, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

function derive(password: string, salt: Buffer, cost: ScryptCost, bytes: number): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** cost.ln,
    r: cost.r,
    p: cost.p,
    maxmem: 256 * 2 ** cost.ln * cost.r,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, bytes, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const DUMMY = { cost: DEFAULT_COST, salt: Buffer.alloc(SALT_BYTES), key: Buffer.alloc(KEY_BYTES) };

/** True when `password` matches `stored`; with no stored hash, as slow and always false. */
export async function checkPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parsed = stored ? parsePasswordHash(stored) : DUMMY;
  const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return stored !== undefined && timingSafeEqual(key, parsed.key);
}
