// Property tests of the check algorithms (schemas/README.md#credit-codes, schemas/README.md#id-numbers, schemas/README.md#organisation-codes). Codes are built by the
// test from the standards (standard-check-chars.ts computes every check character from the
// standards' weights, never with the code under test): any such code passes, and any single
// character changed to another allowed character fails, because every weight is invertible modulo
// 31 (credit code) or 11 (ID number, and the organisation code for digit changes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCreditCode } from '../../../gateway/catalogue/keywords/credit-code.ts';
import { checkIdNumber } from '../../../gateway/catalogue/keywords/id-number.ts';
import { checkOrganisationCode } from '../../../gateway/catalogue/keywords/organisation-code.ts';
import { checkTaxpayerId } from '../../../gateway/catalogue/keywords/taxpayer-id.ts';
import {
  GB32100_CHARSET,
  GB32100_PAIRS,
  PROVINCE_PREFIXES,
  withCreditCheck,
  withIdCheck,
  withOrganisationCheck,
} from './standard-check-chars.ts';

const TODAY = '2026-12-01';
const DIGITS = '0123456789';
const ID_CHECK_CHARS = '0123456789X';
const ORG_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const charOf = (charset: string) => fc.constantFrom(...charset.split(''));
const stringOf = (charset: string, length: number) =>
  fc.array(charOf(charset), { minLength: length, maxLength: length }).map((c) => c.join(''));

const pair = fc.constantFrom(
  ...Object.entries(GB32100_PAIRS).flatMap(([a, categories]) => [...categories].map((c) => a + c)),
);

// A registration pair of the standard, a six-digit division, nine characters of organisation code.
const creditCode = fc
  .tuple(pair, stringOf(DIGITS, 6), stringOf(GB32100_CHARSET, 9))
  .map(([p, division, org]) => withCreditCheck(`${p}${division}${org}`));

// Real birth dates from 1900 up to TODAY, so the ID number check's date rule holds.
const birthDate = fc
  .date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date(`${TODAY}T00:00:00Z`),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

const idNumber = fc
  .tuple(fc.constantFrom(...PROVINCE_PREFIXES), stringOf(DIGITS, 4), birthDate, stringOf(DIGITS, 3))
  .map(([province, rest, birth, sequence]) => withIdCheck(`${province}${rest}${birth}${sequence}`));

const organisationCode = stringOf(ORG_CHARSET, 8).map(withOrganisationCheck);

/** `code` with one position replaced by a different character allowed at that position. */
function mutated(code: string, charsetAt: (position: number) => string, from = 0) {
  return fc.integer({ min: from, max: code.length - 1 }).chain((position) =>
    charOf(charsetAt(position))
      .filter((char) => char !== code[position])
      .map((char) => code.slice(0, position) + char + code.slice(position + 1)),
  );
}

describe('identifier check algorithms (properties)', () => {
  it('accepts every credit code built by GB 32100 (pair, division digits, check character)', () => {
    fc.assert(fc.property(creditCode, (code) => checkCreditCode(code) === undefined));
  });

  it('refuses every credit code with one character changed', () => {
    const changed = creditCode.chain((code) => mutated(code, () => GB32100_CHARSET));
    fc.assert(
      fc.property(changed, (code) => {
        expect(checkCreditCode(code)?.messageZh).toBeTruthy();
      }),
    );
  });

  it('accepts every ID number with a provincial prefix, a real past birth date and its check character', () => {
    fc.assert(fc.property(idNumber, (id) => checkIdNumber(id, TODAY) === undefined));
  });

  it('refuses every ID number with one character changed', () => {
    const changed = idNumber.chain((id) =>
      mutated(id, (position) => (position === 17 ? ID_CHECK_CHARS : DIGITS)),
    );
    fc.assert(
      fc.property(changed, (id) => {
        expect(checkIdNumber(id, TODAY)?.messageZh).toBeTruthy();
      }),
    );
  });

  it('accepts every organisation code built by GB 11714', () => {
    fc.assert(fc.property(organisationCode, (code) => checkOrganisationCode(code) === undefined));
  });

  it('refuses every organisation code with one digit or the check character changed', () => {
    // A letter may differ from the original by 11 or more (A = 10 … Z = 35), which the mod-11 check
    // cannot see, so the changed position is the check character or a digit of an all-digit code.
    const changed = organisationCode.chain((code) => mutated(code, () => ID_CHECK_CHARS, 8));
    const digitsOnly = stringOf(DIGITS, 8)
      .map(withOrganisationCheck)
      .chain((code) => mutated(code, (position) => (position === 8 ? ID_CHECK_CHARS : DIGITS)));
    fc.assert(
      fc.property(fc.oneof(changed, digitsOnly), (code) => {
        expect(checkOrganisationCode(code)?.messageZh).toBeTruthy();
      }),
    );
  });

  it('accepts all four taxpayer id forms built from valid codes', () => {
    const plusTwo = fc.tuple(idNumber, stringOf(DIGITS, 2)).map(([id, digits]) => id + digits);
    const legacy = fc
      .tuple(fc.constantFrom(...PROVINCE_PREFIXES), stringOf(DIGITS, 4), organisationCode)
      .map(([p, rest, org]) => `${p}${rest}${org}`);
    fc.assert(
      fc.property(
        fc.oneof(creditCode, idNumber, plusTwo, legacy),
        (id) => !checkTaxpayerId(id, TODAY),
      ),
    );
  });
});
