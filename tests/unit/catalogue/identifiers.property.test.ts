// Property tests of the check algorithms (schemas/README.md#credit-codes,
// schemas/README.md#id-numbers): any code built by the standard's algorithm passes, and any
// single-character change to another allowed character fails, because every weight is invertible
// modulo 31 (credit code) or 11 (ID number).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  CREDIT_CODE_CHARSET,
  creditCodeCheckChar,
} from '../../../gateway/catalogue/keywords/credit-code.ts';
import { checkIdNumber, idNumberCheckChar } from '../../../gateway/catalogue/keywords/id-number.ts';
import { checkTaxpayerId } from '../../../gateway/catalogue/keywords/taxpayer-id.ts';

const DIGITS = '0123456789';
const ID_CHECK_CHARS = '0123456789X';

const charOf = (charset: string) => fc.constantFrom(...charset.split(''));

const creditCode = fc
  .array(charOf(CREDIT_CODE_CHARSET), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join(''))
  .map((body) => body + creditCodeCheckChar(body));

// Real birth dates from 1900 up to today, so the ID number check's date rule holds.
const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

const idNumber = fc
  .tuple(
    fc.array(charOf(DIGITS), { minLength: 6, maxLength: 6 }),
    birthDate,
    fc.array(charOf(DIGITS), { minLength: 3, maxLength: 3 }),
  )
  .map(([address, birth, sequence]) => `${address.join('')}${birth}${sequence.join('')}`)
  .map((body) => body + idNumberCheckChar(body));

/** `code` with one position replaced by a different character allowed at that position. */
function mutated(code: string, charsetAt: (position: number) => string) {
  return fc.integer({ min: 0, max: code.length - 1 }).chain((position) =>
    charOf(charsetAt(position))
      .filter((char) => char !== code[position])
      .map((char) => code.slice(0, position) + char + code.slice(position + 1)),
  );
}

describe('identifier check algorithms (properties)', () => {
  it('accepts every credit code built by the GB 32100 algorithm', () => {
    fc.assert(fc.property(creditCode, (code) => checkCreditCode(code) === undefined));
  });

  it('refuses every credit code with one character changed', () => {
    const changed = creditCode.chain((code) => mutated(code, () => CREDIT_CODE_CHARSET));
    fc.assert(
      fc.property(changed, (code) => {
        const problem = checkCreditCode(code);
        expect(problem?.messageZh).toBeTruthy();
      }),
    );
  });

  it('accepts every ID number with a real past birth date and a computed check character', () => {
    fc.assert(fc.property(idNumber, (id) => checkIdNumber(id) === undefined));
  });

  it('refuses every ID number with one character changed', () => {
    const changed = idNumber.chain((id) =>
      mutated(id, (position) => (position === 17 ? ID_CHECK_CHARS : DIGITS)),
    );
    fc.assert(
      fc.property(changed, (id) => {
        const problem = checkIdNumber(id);
        expect(problem?.messageZh).toBeTruthy();
      }),
    );
  });

  it('accepts both taxpayer id forms built from valid codes', () => {
    const personal = fc
      .tuple(idNumber, fc.integer({ min: 0, max: 99 }))
      .map(([id, n]) => id + String(n).padStart(2, '0'));
    fc.assert(fc.property(fc.oneof(creditCode, personal), (id) => !checkTaxpayerId(id)));
  });
});
