// The sealer's deflater (gateway/personal-data/dictionary-deflater.ts): one zlib stream reset for
// each value must deflate it to raw deflate that inflates back with the dictionary, value after
// value, whatever came before; its first value to the very bytes a new stream gives.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFLATE_DICTIONARY } from '../../../gateway/personal-data/deflate-dictionary.ts';
import { createDeflater } from '../../../gateway/personal-data/dictionary-deflater.ts';
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
      // is taken (dictionary-deflater.ts), never by more than a byte or two.
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
});
