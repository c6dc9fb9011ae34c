// Personal data at rest (gateway/README.md#encryption-at-rest): a value is compressed (raw
// deflate with a preset dictionary of the catalogue's property names: a case is kept for a year,
// so bytes count) and encrypted with AES-256-GCM under the current data key. The sealed bytes say
// how to open them, so keys rotate without rewriting:
//
//   version (1 byte) | key id length (1 byte) | key id | IV (12 bytes) | GCM tag (16 bytes) | ciphertext
//
// Version 2 is deflated with DEFLATE_DICTIONARY; version 1 (sealed before it) without, still opened.
//
// The header and a context string (the case id) are authenticated data: a sealed envelope copied
// onto another case, or a header edited to name another key, fails like a flipped bit does.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { RandomPool } from '../shared/random-pool.ts';
import type { DataKeyRing } from './data-keys.ts';
import { DEFLATE_DICTIONARY } from './deflate-dictionary.ts';
import { createDeflater, createInflater, type Inflater } from './reused-zlib.ts';

const VERSION = 2;
/** What each version's ciphertext was deflated with. */
const DEFLATE_OPTIONS: Readonly<Record<number, { dictionary?: Buffer }>> = {
  1: {},
  2: { dictionary: DEFLATE_DICTIONARY },
};
/**
 * How this version deflates: a 16 KiB window (the 8 KiB dictionary and as much of the value) and
 * zlib's memLevel 6 instead of 32 KiB and 8. zlib's state is about 96 KB instead of 256 KB (it was
 * built anew on every call before the sealer kept one stream, reused-zlib.ts, and is still
 * reset on every call): the same bytes for every example envelope of the catalogue, 7 % more for a
 * 70 KB value. Any inflater opens it (a raw deflate window of 2^14 fits in the default 2^15).
 */
const SEAL_DEFLATE_OPTIONS = { ...DEFLATE_OPTIONS[VERSION], windowBits: 14, memLevel: 6 };
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** An inflated value larger than this is refused rather than allocated (a case is ≤ 256 KiB). */
const MAX_PLAIN_BYTES = 4 * 1024 * 1024;

export type SealedDataProblem = 'format' | 'unknown-key' | 'tampered';

/** Sealed bytes this gateway cannot open: a fault to report, never a crash. */
export class SealedDataError extends Error {
  override name = 'SealedDataError';
  readonly problem: SealedDataProblem;
  constructor(problem: SealedDataProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

export interface Sealer {
  seal(value: unknown, context: string): Buffer;
  open(sealed: Buffer, context: string): unknown;
}

function header(keyId: string): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  return Buffer.concat([Buffer.from([VERSION, id.length]), id]);
}

/** The authenticated data of an opening: the sealed header, then the context, in one Buffer. */
function additionalData(sealed: Buffer, headerEnd: number, context: string): Buffer {
  const aad = Buffer.allocUnsafe(headerEnd + Buffer.byteLength(context, 'utf8'));
  sealed.copy(aad, 0, 0, headerEnd);
  aad.write(context, headerEnd, 'utf8');
  return aad;
}

/**
 * The id of the data key `sealed` names in its header, undefined when it is not sealed data of a
 * known version: what a census of the keys in use reads, without opening anything.
 */
export function sealedKeyId(sealed: Buffer): string | undefined {
  if (sealed.length < 2 || !DEFLATE_OPTIONS[sealed[0]!]) return undefined;
  const idEnd = 2 + sealed[1]!;
  return sealed.length < idEnd ? undefined : sealed.subarray(2, idEnd).toString('ascii');
}

export function createSealer(keys: DataKeyRing): Sealer {
  // The header of the current key, made once per key rather than per seal (copied, never shared).
  let current: { id: string; head: Buffer } | undefined;
  const random = new RandomPool();
  const deflater = createDeflater(SEAL_DEFLATE_OPTIONS);
  // One inflater per version, made at its first opening (most gateways never open a version 1).
  const inflaters = new Map<number, Inflater>();
  const inflaterOf = (version: number): Inflater => {
    let inflater = inflaters.get(version);
    if (!inflater) inflaters.set(version, (inflater = createInflater(DEFLATE_OPTIONS[version]!)));
    return inflater;
  };
  return {
    seal(value, context) {
      const { id, key } = keys.current;
      if (current?.id !== id) current = { id, head: header(id) };
      const { head } = current;
      const iv = random.bytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.concat([head, Buffer.from(context, 'utf8')]));
      const plain = deflater.deflate(Buffer.from(JSON.stringify(value), 'utf8'));
      const body = cipher.update(plain);
      const last = cipher.final();
      return Buffer.concat([head, iv, cipher.getAuthTag(), body, last]);
    },

    open(sealed, context) {
      if (sealed.length < 2 || !DEFLATE_OPTIONS[sealed[0]!])
        throw new SealedDataError('format', `not sealed data of version 1 to ${VERSION}`);
      const idEnd = 2 + sealed[1]!;
      const keyId = sealed.subarray(2, idEnd).toString('ascii');
      if (sealed.length < idEnd + IV_BYTES + TAG_BYTES)
        throw new SealedDataError('format', 'sealed data is truncated');
      const dataKey = keys.find(keyId);
      if (!dataKey)
        throw new SealedDataError(
          'unknown-key',
          `sealed under data key ${JSON.stringify(keyId)}, which is not in ${keys.source} (${keys.ids.join(', ')})`,
        );
      const iv = sealed.subarray(idEnd, idEnd + IV_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', dataKey.key, iv);
      decipher.setAAD(additionalData(sealed, idEnd, context));
      decipher.setAuthTag(sealed.subarray(idEnd + IV_BYTES, idEnd + IV_BYTES + TAG_BYTES));
      let plain: Buffer;
      try {
        // GCM is a stream mode: update() returns every byte and final() none, only the check of
        // the tag, which comes before anything is inflated or parsed.
        plain = decipher.update(sealed.subarray(idEnd + IV_BYTES + TAG_BYTES));
        decipher.final();
      } catch {
        throw new SealedDataError('tampered', 'sealed data failed its integrity check');
      }
      return JSON.parse(inflaterOf(sealed[0]!).inflateText(plain, MAX_PLAIN_BYTES)) as unknown;
    },
  };
}
