// Looking for personal data where it must not be (gateway/README.md#personal-data): the personal
// values of a submission, found by its item version's compiled locations, and anything shaped like
// an ID number, a mobile phone or a bank card, whatever field it sits in.
import type { Redis } from 'ioredis';
import { personalValues } from '../../gateway/personal-data/mask-personal.ts';
import { eachField } from '../../gateway/personal-data/schema-fields.ts';
import { MASKS } from '../../gateway/personal-data/masks.ts';
import type { PersonalLocations } from '../../gateway/personal-data/personal-locations.ts';

/** The portal of a receiving region's province (config/clients.dev.json). */
export function portalFor(receivingRegion: string): string {
  const portals: Record<string, string> = {
    '45': 'portal-gx',
    '50': 'portal-cq',
    '51': 'portal-sc',
    '52': 'portal-gz',
    '53': 'portal-yn',
    '54': 'portal-xz',
  };
  const portal = portals[receivingRegion.slice(0, 2)];
  if (!portal) throw new Error(`no development portal for ${receivingRegion}`);
  return portal;
}

/**
 * The personal strings of a submission of 2 characters or more: what must never be in clear. An
 * address that is nothing but its division names has nothing its mask hides, so it is not one.
 */
export function secretsOf(submission: unknown, locations: PersonalLocations): string[] {
  const values = personalValues(submission, locations)
    .filter((v) => MASKS[v.kind](v.value) !== v.value)
    .map((v) => v.value);
  return [...new Set(values.filter((v) => [...v].length >= 2))];
}

// A number standing on its own (not glued to letters or digits: a hex digest or a prefixed
// filing number is neither): an ID number with a valid check character, a mainland mobile number,
// a bank card number (16–19 digits passing Luhn).
const ID_NUMBER =
  /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
const CARD = /(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])/g;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

function idCheckHolds(id: string): boolean {
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17]!.toUpperCase();
}

function luhn(digits: string): boolean {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    const n = Number(d) * (i % 2 === 1 ? 2 : 1);
    sum += n > 9 ? n - 9 : n;
  });
  return sum % 10 === 0;
}

/**
 * Every ID-number, mobile or card-shaped run in the strings of `value`, except the strings in
 * `codes` (a tax authority code, 1 + division + 4 digits, has the shape of a mobile number).
 */
export function personalShapes(value: unknown, codes: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      if (codes.has(v)) return;
      out.push(...(v.match(ID_NUMBER) ?? []).filter(idCheckHolds), ...(v.match(MOBILE) ?? []));
      out.push(...(v.match(CARD) ?? []).filter(luhn));
    } else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

/** The submission's tax authority codes: numbers shaped like phones that are not personal. */
export function taxAuthorityCodes(
  submission: unknown,
  payloadSchema: Readonly<Record<string, unknown>>,
  defs: Readonly<Record<string, unknown>>,
): Set<string> {
  const locations: { pointer: string; tokens: string[]; kind: 'name' }[] = [];
  eachField(payloadSchema, { defs }, (field) => {
    if (field.schemas.some((s) => s.taxAuthorityCode !== undefined))
      locations.push({ pointer: '', tokens: ['payload', ...field.tokens], kind: 'name' });
    return true;
  });
  return new Set(personalValues(submission, locations).map((v) => v.value));
}

/** The raw bytes of keys, whatever their type, as one buffer to search. */
export async function rawBytes(redis: Redis, keys: readonly string[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'string') parts.push((await redis.getBuffer(key)) ?? Buffer.alloc(0));
    else if (type === 'hash') parts.push(...Object.values(await redis.hgetallBuffer(key)));
    else if (type === 'list') parts.push(...(await redis.lrangeBuffer(key, 0, -1)));
    else if (type === 'set') parts.push(...(await redis.smembersBuffer(key)));
    else if (type === 'zset') parts.push(...(await redis.zrangeBuffer(key, '0', '-1')));
    else if (type === 'stream') {
      const entries = (await redis.xrangeBuffer(key, '-', '+')) as [Buffer, Buffer[]][];
      for (const [, fields] of entries) parts.push(...fields);
    }
  }
  // One value per line: run together, the end of one value and the start of the next could make
  // a number neither holds.
  return Buffer.concat(parts.flatMap((part) => [part, Buffer.from('\n')]));
}

/** The field names of the hashes among `keys`, one a line: where a value can hide as well. */
export async function hashFieldNames(redis: Redis, keys: readonly string[]): Promise<string> {
  const names: string[] = [];
  for (const key of keys)
    if ((await redis.type(key)) === 'hash') names.push(...(await redis.hkeys(key)));
  return names.join('\n');
}

/** Every key under a prefix. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000');
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The secrets found in clear in `haystack`. */
export function inClear(haystack: Buffer | string, secrets: readonly string[]): string[] {
  const bytes = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return secrets.filter((s) => bytes.includes(Buffer.from(s)));
}
