// Check characters computed here, in the tests, straight from the standards' weights, so a test
// never uses the code under test to build its own vectors.

/** GB 32100-2015: charset 0-9 A-Z without I O S V Z, weights 3^i mod 31, check 31 − Σ mod 31. */
export const GB32100_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const GB32100_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function withCreditCheck(first17: string): string {
  const sum = [...first17].reduce(
    (acc, char, i) => acc + GB32100_CHARSET.indexOf(char) * GB32100_WEIGHTS[i]!,
    0,
  );
  return first17 + GB32100_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** GB 11643-1999: weights 2^(17−i) mod 11, Σ mod 11 → 1 0 X 9 8 7 6 5 4 3 2. */
const GB11643_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function withIdCheck(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * GB11643_WEIGHTS[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** GB 11714-1997: values 0-9 A=10 … Z=35, weights 3 7 9 10 5 8 4 2, check 11 − Σ mod 11. */
const GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export function withOrganisationCheck(first8: string): string {
  const sum = [...first8].reduce((acc, c, i) => acc + parseInt(c, 36) * GB11714_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return first8 + (check === 10 ? 'X' : check === 11 ? '0' : String(check));
}

/** The GB 32100 pairs of registration authority (position 1) and organisation category. */
export const GB32100_PAIRS: Readonly<Record<string, string>> = {
  '1': '1239',
  '2': '19',
  '3': '123459',
  '4': '19',
  '5': '1239',
  '6': '129',
  '7': '129',
  '8': '19',
  '9': '123',
  A: '19',
  N: '1239',
  Y: '1',
};

/** Provincial-level codes that exist or existed (GB/T 2260). */
export const PROVINCE_PREFIXES = [
  ...['11', '12', '13', '14', '15', '21', '22', '23'],
  ...['31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46'],
  ...['50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82'],
];
