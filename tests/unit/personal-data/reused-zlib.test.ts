// The sealer's reused zlib streams (gateway/personal-data/reused-zlib.ts): one stream reset for
// each value must deflate it to raw deflate that inflates back with the dictionary, value after
// value, whatever came before (its first value to the very bytes a new stream gives), and inflate
// each value to exactly its text, after large, refused and corrupt ones alike.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFLATE_DICTIONARY } from '../../../gateway/personal-data/deflate-dictionary.ts';
import { createDeflater, createInflater } from '../../../gateway/personal-data/reused-zlib.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

/** The seal's options (sealed-data.ts, version 2). */
const OPTIONS = { dictionary: DEFLATE_DICTIONARY, windowBits: 14, memLevel: 6 };

function catalogueExamples(): Buffer[] {
  const dir = projectPath('schemas/items');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.examples.json'))
    .sort()
    .flatMap((name) => {
      const { valid } = JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) as { valid: unknown[] };
      return valid.map((value) => Buffer.from(JSON.stringify(value), 'utf8'));
    });
}

describe('dictionary deflater', () => {
  it("reuses one zlib stream on this Node (false would mean a Node upgrade changed zlib's internals and sealing is back to a new stream per call)", () => {
    expect(createDeflater(OPTIONS).reused).toBe(true);
  });

  it('deflates its first value to the bytes deflateRawSync gives, for every valid example of the catalogue', () => {
    const examples = catalogueExamples();
    expect(examples.length).toBeGreaterThan(100);
    for (const input of examples)
      expect(createDeflater(OPTIONS).deflate(input).equals(deflateRawSync(input, OPTIONS))).toBe(
        true,
      );
  });

  it('deflates every valid example, after values of every size on the same stream, to raw deflate that inflates back to it', () => {
    const deflater = createDeflater(OPTIONS);
    for (const [i, input] of catalogueExamples().entries()) {
      deflater.deflate(randomBytes((i * 997) % 40_000));
      const deflated = deflater.deflate(input);
      expect(inflateRawSync(deflated, { dictionary: DEFLATE_DICTIONARY }).equals(input)).toBe(true);
      // What zlib leaves in its window from earlier values may change which of two equal matches
      // is taken (reused-zlib.ts), never by more than a byte or two.
      expect(Math.abs(deflated.length - deflateRawSync(input, OPTIONS).length)).toBeLessThan(4);
    }
  });

  it('deflates a value whose output outgrows its 16 KiB buffer, then a small one, each inflating back', () => {
    const deflater = createDeflater(OPTIONS);
    const incompressible = randomBytes(70_000);
    const small = catalogueExamples()[0]!;
    const big = deflater.deflate(incompressible);
    expect(big.length).toBeGreaterThan(3 * 16 * 1024);
    expect(inflateRawSync(big, { dictionary: DEFLATE_DICTIONARY }).equals(incompressible)).toBe(
      true,
    );
    const after = deflater.deflate(small);
    expect(inflateRawSync(after, { dictionary: DEFLATE_DICTIONARY }).equals(small)).toBe(true);
  });

  it('returns a Buffer of its own each time: a later value does not change an earlier result', () => {
    const deflater = createDeflater(OPTIONS);
    const [first, second] = catalogueExamples();
    const firstDeflated = deflater.deflate(first!);
    const copy = Buffer.from(firstDeflated);
    deflater.deflate(second!);
    expect(firstDeflated.equals(copy)).toBe(true);
    expect(inflateRawSync(firstDeflated, { dictionary: DEFLATE_DICTIONARY }).equals(first!)).toBe(
      true,
    );
  });

  it('deflates an empty value as deflateRawSync does', () => {
    const deflater = createDeflater(OPTIONS);
    expect(deflater.deflate(Buffer.alloc(0)).equals(deflateRawSync(Buffer.alloc(0), OPTIONS))).toBe(
      true,
    );
  });

  const dictionary = { dictionary: DEFLATE_DICTIONARY };

  it("reuses one inflate stream on this Node (false would mean a Node upgrade changed zlib's internals and opening is back to a new stream per call)", () => {
    expect(createInflater(dictionary).reused).toBe(true);
  });

  it('inflates every valid example of the catalogue, one after another on one stream, to its text', () => {
    const inflater = createInflater(dictionary);
    for (const input of catalogueExamples()) {
      const deflated = deflateRawSync(input, OPTIONS);
      expect(inflater.inflateText(deflated, 1 << 20)).toBe(input.toString('utf8'));
    }
  });

  it('inflates a value across many output buffers without splitting a character, then a small one', () => {
    const inflater = createInflater(dictionary);
    const text = '纳税人识别号'.repeat(20_000) + 'a';
    expect(Buffer.byteLength(text)).toBeGreaterThan(20 * 16 * 1024);
    expect(inflater.inflateText(deflateRawSync(text, OPTIONS), 1 << 20)).toBe(text);
    const small = catalogueExamples()[0]!;
    expect(inflater.inflateText(deflateRawSync(small, OPTIONS), 1 << 20)).toBe(small.toString());
  });

  it('refuses a value that inflates past its limit with a RangeError, and inflates the next value', () => {
    const inflater = createInflater(dictionary);
    const big = deflateRawSync(Buffer.alloc(100_000, 'a'), OPTIONS);
    expect(() => inflater.inflateText(big, 50_000)).toThrow(RangeError);
    const small = catalogueExamples()[0]!;
    expect(inflater.inflateText(deflateRawSync(small, OPTIONS), 1 << 20)).toBe(small.toString());
  });

  it("throws zlib's own error for a truncated value, as inflateRawSync does, and inflates the next value", () => {
    const inflater = createInflater(dictionary);
    const small = catalogueExamples()[0]!;
    const truncated = deflateRawSync(small, OPTIONS).subarray(0, 100);
    const expected = (() => {
      try {
        inflateRawSync(truncated, dictionary);
      } catch (error) {
        return error as NodeJS.ErrnoException;
      }
      throw new Error('expected inflateRawSync to refuse a truncated value');
    })();
    expect(() => inflater.inflateText(truncated, 1 << 20)).toThrow(
      expect.objectContaining({ code: expected.code, message: expected.message }),
    );
    expect(inflater.inflateText(deflateRawSync(small, OPTIONS), 1 << 20)).toBe(small.toString());
  });
});
