// Keys derived from a data key (personal-data/derived-key.ts): the same for the same data key and
// purpose in every process, another for another purpose or another data key, and not the data key.
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { derivedKey } from '../../../gateway/personal-data/derived-key.ts';

const ring = (text: string) => parseDataKeys(text, undefined, 'test');
const bytes = (key: ReturnType<typeof derivedKey>) => key.export().toString('hex');

describe('derivedKey', () => {
  const k1 = generateDataKeys('k1');

  it('is HKDF-SHA-256 of the data key with the purpose as info, 32 bytes, the same each time', () => {
    const material = Buffer.from(k1.split(':')[1]!, 'base64');
    const expected = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'swgw:x', 32));
    expect(bytes(derivedKey(ring(k1).current, 'x'))).toBe(expected.toString('hex'));
    expect(bytes(derivedKey(ring(k1).current, 'x'))).toBe(bytes(derivedKey(ring(k1).current, 'x')));
  });

  it('differs by purpose and by data key, and is not the data key', () => {
    const current = ring(k1).current;
    const a = bytes(derivedKey(current, 'console-lockout'));
    expect(bytes(derivedKey(current, 'other'))).not.toBe(a);
    expect(bytes(derivedKey(ring(generateDataKeys('k2')).current, 'console-lockout'))).not.toBe(a);
    expect(a).not.toBe(current.key.export().toString('hex'));
    // Usable as an HMAC key as it is.
    expect(createHmac('sha256', derivedKey(current, 'x')).update('y').digest('hex')).toHaveLength(
      64,
    );
  });
});
