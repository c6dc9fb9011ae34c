// Sealed data (gateway/personal-data/sealed-data.ts): compressed and encrypted under the current
// data key, readable under any listed key, refused clearly when the key is gone or a byte changed.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { DEFLATE_DICTIONARY } from '../../../gateway/personal-data/deflate-dictionary.ts';
import { createSealer, SealedDataError } from '../../../gateway/personal-data/sealed-data.ts';
import { validExample } from '../../support/api-gateway.ts';

const oldKeys = generateDataKeys('k0');
const newKeys = generateDataKeys('k1');
const ring = (text: string, current?: string) => parseDataKeys(text, current, 'GW_DATA_KEYS');
const envelope = validExample('SW-005');
const CASE = '01JCASE0000000000000000001';

function failure(open: () => unknown): SealedDataError {
  try {
    open();
  } catch (error) {
    if (error instanceof SealedDataError) return error;
    throw error;
  }
  throw new Error('expected the sealed data to be refused');
}

describe('sealed data', () => {
  it('opens what it sealed, and holds no personal value in clear', () => {
    const sealer = createSealer(ring(oldKeys));
    const sealed = sealer.seal(envelope, CASE);
    expect(sealer.open(sealed, CASE)).toEqual(envelope);
    const bytes = sealed.toString('latin1');
    for (const value of ['510104198503152311', '13812345678', '6222020200112233445', '李'])
      expect(bytes).not.toContain(Buffer.from(value).toString('latin1'));
  });

  it('is smaller than the JSON it seals (compressed before it is encrypted)', () => {
    const sealed = createSealer(ring(oldKeys)).seal(envelope, CASE);
    expect(sealed.length).toBeLessThan(Buffer.byteLength(JSON.stringify(envelope)) * 0.8);
  });

  it('deflates with the catalogue dictionary (version 2): SW-005 seals in under 470 bytes instead of 620', () => {
    const sealed = createSealer(ring(oldKeys)).seal(envelope, CASE);
    expect(sealed[0]).toBe(2);
    expect(sealed.length).toBeLessThan(470);
  });

  it('keeps the dictionary byte for byte: data sealed with it must inflate for as long as it is kept', () => {
    expect(DEFLATE_DICTIONARY.length).toBe(8192);
    expect(createHash('sha256').update(DEFLATE_DICTIONARY).digest('hex')).toBe(
      'd20dd41f4f42d0ad4350343d06c8a8804f29db337f4cbcfd5b5e0ecc0954bcc1',
    );
  });

  /** Sealed bytes of `version` made by hand, deflated as `deflated` says (earlier gateways' ways). */
  function sealedBy(version: number, deflated: Buffer): Buffer {
    const keys = ring(oldKeys);
    const id = Buffer.from(keys.current.id, 'ascii');
    const head = Buffer.concat([Buffer.from([version, id.length]), id]);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.current.key, iv);
    cipher.setAAD(Buffer.concat([head, Buffer.from(CASE, 'utf8')]));
    const body = Buffer.concat([cipher.update(deflated), cipher.final()]);
    return Buffer.concat([head, iv, cipher.getAuthTag(), body]);
  }
  const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

  it('opens data sealed in version 1 (deflated without the dictionary)', () => {
    const v1 = sealedBy(1, deflateRawSync(json(envelope)));
    expect(createSealer(ring(oldKeys)).open(v1, CASE)).toEqual(envelope);
  });

  it("opens version 2 deflated with zlib's default 32 KiB window, as gateways sealed it before the 16 KiB one", () => {
    const big = { cases: Array.from({ length: 60 }, (_, i) => ({ ...envelope, n: i })) };
    for (const value of [envelope, big]) {
      const v2 = sealedBy(2, deflateRawSync(json(value), { dictionary: DEFLATE_DICTIONARY }));
      expect(createSealer(ring(oldKeys)).open(v2, CASE)).toEqual(value);
    }
  });

  it('seals and opens a value far larger than its 16 KiB deflate window (70 KB)', () => {
    const big = { cases: Array.from({ length: 60 }, (_, i) => ({ ...envelope, n: i })) };
    expect(json(big).length).toBeGreaterThan(60_000);
    const sealer = createSealer(ring(oldKeys));
    expect(sealer.open(sealer.seal(big, CASE), CASE)).toEqual(big);
  });

  it('opens a value that inflates to hundreds of times its deflated size, across many inflate buffers', () => {
    const repetitive = { note: 'a'.repeat(200_000), applicant: envelope.applicant };
    const sealer = createSealer(ring(oldKeys));
    const sealed = sealer.seal(repetitive, CASE);
    expect(sealed.length * 100).toBeLessThan(200_000);
    expect(sealer.open(sealed, CASE)).toEqual(repetitive);
  });

  it('authenticates a context of multi-byte characters: it opens under that context only', () => {
    const sealer = createSealer(ring(oldKeys));
    const sealed = sealer.seal(envelope, '案件-01JCASE');
    expect(sealer.open(sealed, '案件-01JCASE')).toEqual(envelope);
    expect(failure(() => sealer.open(sealed, '案件-01JCASF')).problem).toBe('tampered');
  });

  it('seals each time with a fresh IV, so equal submissions do not look equal', () => {
    const sealer = createSealer(ring(oldKeys));
    expect(sealer.seal(envelope, CASE).equals(sealer.seal(envelope, CASE))).toBe(false);
  });

  it('never repeats an IV across 2 000 seals (six refills of its random pool)', () => {
    const sealer = createSealer(ring(oldKeys));
    const ivAt = 2 + ring(oldKeys).current.id.length;
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++)
      ivs.add(
        sealer
          .seal({ i }, CASE)
          .subarray(ivAt, ivAt + 12)
          .toString('hex'),
      );
    expect(ivs.size).toBe(2000);
  });

  it('names its key, so a record sealed before a rotation still opens after it', () => {
    const before = createSealer(ring(oldKeys)).seal(envelope, CASE);
    const rotated = createSealer(ring(`${newKeys},${oldKeys}`));
    const after = rotated.seal(envelope, CASE);
    expect(after.subarray(2, 2 + after[1]!).toString()).toBe(newKeys.split(':')[0]);
    expect(rotated.open(before, CASE)).toEqual(envelope);
    expect(rotated.open(after, CASE)).toEqual(envelope);
  });

  it('seals under GW_DATA_KEY_ID when it names another listed key', () => {
    const oldId = oldKeys.split(':')[0]!;
    const sealed = createSealer(ring(`${newKeys},${oldKeys}`, oldId)).seal(envelope, CASE);
    expect(sealed.subarray(2, 2 + sealed[1]!).toString()).toBe(oldId);
  });

  it('refuses a record under a key no longer listed, naming that key and the listed ones', () => {
    const sealed = createSealer(ring(oldKeys)).seal(envelope, CASE);
    const error = failure(() => createSealer(ring(newKeys)).open(sealed, CASE));
    expect(error.problem).toBe('unknown-key');
    expect(error.message).toContain(`"${oldKeys.split(':')[0]}"`);
    expect(error.message).toContain(newKeys.split(':')[0]);
    expect(error.message).not.toContain(newKeys.split(':')[1]);
  });

  it.each([
    ['a flipped ciphertext bit', (b: Buffer) => b.writeUInt8(b.at(-1)! ^ 1, b.length - 1)],
    ['a flipped tag bit', (b: Buffer) => b.writeUInt8(b[2 + b[1]! + 12]! ^ 1, 2 + b[1]! + 12)],
    ['a flipped IV bit', (b: Buffer) => b.writeUInt8(b[2 + b[1]!]! ^ 1, 2 + b[1]!)],
  ])('refuses %s as tampered', (_label, tamper) => {
    const sealer = createSealer(ring(oldKeys));
    const sealed = Buffer.from(sealer.seal(envelope, CASE));
    tamper(sealed);
    expect(failure(() => sealer.open(sealed, CASE)).problem).toBe('tampered');
  });

  it('refuses a sealed envelope moved onto another case', () => {
    const sealer = createSealer(ring(oldKeys));
    const sealed = sealer.seal(envelope, CASE);
    expect(failure(() => sealer.open(sealed, '01JCASE0000000000000000002')).problem).toBe(
      'tampered',
    );
  });

  it('refuses a header that names another listed key', () => {
    const keys = ring(`${generateDataKeys('kA')},${generateDataKeys('kB')}`);
    const sealer = createSealer(keys);
    const sealed = Buffer.from(sealer.seal(envelope, CASE));
    sealed.write(keys.ids[1]!, 2, 'ascii'); // same length: kA-xxxxxx → kB-yyyyyy
    expect(failure(() => sealer.open(sealed, CASE)).problem).toBe('tampered');
  });

  it.each([
    ['an empty value', Buffer.alloc(0)],
    ['plain JSON stored before encryption', Buffer.from(JSON.stringify(envelope))],
    ['a truncated record', Buffer.from([1, 2, 0x6b, 0x30, 9, 9])],
    ['a version this gateway does not know', Buffer.from([3, 2, 0x6b, 0x30, ...randomBytes(40)])],
  ])('refuses %s as not sealed data', (_label, bytes) => {
    expect(failure(() => createSealer(ring(oldKeys)).open(bytes, CASE)).problem).toBe('format');
  });
});
