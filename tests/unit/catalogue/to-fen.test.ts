// toFen (gateway/catalogue/rules/sum-equals.ts): yuan with two places to whole fen, exactly, at
// every length (digit by digit while the fen fit a Number exactly, by BigInt beyond).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, toFen } from '../../../gateway/catalogue/rules/sum-equals.ts';

const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 99 }))
  .map(([yuan, fen]) => `${yuan}.${String(fen).padStart(2, '0')}`);

describe('toFen', () => {
  it('reads any amount exactly, across the 15-digit boundary', () => {
    fc.assert(
      fc.property(amount, (text) => {
        const [yuan, fen] = text.split('.') as [string, string];
        expect(toFen(text)).toBe(BigInt(yuan) * 100n + BigInt(fen));
        expect(formatFen(toFen(text)!)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['9999999999999.99', '99999999999999.99', '90071992547409.91', '0.00', '0.01'])(
    'reads %s exactly',
    (text) => {
      const [yuan, fen] = text.split('.') as [string, string];
      expect(toFen(text)).toBe(BigInt(yuan) * 100n + BigInt(fen));
    },
  );

  it.each(['1', '1.0', '1.000', '01.00', '-1.00', '1,00', ' 1.00', '', '.00', '1.00\n'])(
    'refuses %j',
    (text) => {
      expect(toFen(text)).toBeUndefined();
    },
  );
});
