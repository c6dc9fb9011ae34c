// Free text (an evaluation comment, a clerk's note on a rectification) has no schema location to
// mask by (gateway/README.md#reads-and-masking): what looks like a personal number inside it is
// masked instead, with the kinds' own masks — 18-character ID numbers, mainland mobile numbers,
// and any other number of 12 or more digits (bank cards, accounts). Names in prose cannot be told
// apart and stay; statistics never carry free text at all.
//
// A number is found as people type it, not only as one run of ASCII digits: in groups parted by a
// space or a hyphen (`138 0013 8000`, `6222 0212 3456 7890 123`, `510104 19900101 1234`) and in
// full-width digits (`１３８００１３８０００`, what a Chinese input method gives). Each group has at
// least 3 digits, so dates (`2026-09-10`) and times stay as written. The mask keeps what the
// kind's own mask keeps, counted in digits, and leaves the separators where they were, so the
// masked text has the length of the original.

// Digits, ASCII or full-width; one space or hyphen (or their full-width and typographic forms)
// between groups; an ID number's check character X at the end.
const DIGIT = '[0-9\\uff10-\\uff19]';
const SEPARATOR = '[ \\u3000\\-\\u2010\\u2011\\uff0d]';
const CHECK = '[Xx\\uff38\\uff58]';
const NUMBER_IN_TEXT = new RegExp(
  `(?<!${DIGIT})${DIGIT}{3,}(?:${SEPARATOR}${DIGIT}{3,})*${CHECK}?(?!${DIGIT})`,
  'gu',
);
const IS_DIGIT = new RegExp(`^${DIGIT}$`, 'u');
const IS_CHECK = new RegExp(`^${CHECK}$`, 'u');

/** The digits of a number as ASCII, without its separators (X for a check character). */
function digitsOf(chars: readonly string[]): string {
  return chars
    .map((c) => {
      if (IS_CHECK.test(c)) return 'X';
      if (!IS_DIGIT.test(c)) return '';
      const code = c.codePointAt(0)!;
      return code >= 0xff10 ? String(code - 0xff10) : c;
    })
    .join('');
}

/** Replaces every digit but the first `head` and the last `tail` by `*`; separators stay. */
function maskDigits(chars: readonly string[], head: number, tail: number): string {
  const count = chars.filter((c) => IS_DIGIT.test(c) || IS_CHECK.test(c)).length;
  let seen = 0;
  return chars
    .map((c) => {
      if (!IS_DIGIT.test(c) && !IS_CHECK.test(c)) return c;
      seen += 1;
      return seen <= head || seen > count - tail ? c : '*';
    })
    .join('');
}

function maskNumber(text: string): string {
  const chars = [...text];
  const digits = digitsOf(chars);
  // An ID number: 17 digits and a check character; the first 4 and the last 4 stay.
  if (/^[0-9]{17}[0-9X]$/.test(digits)) return maskDigits(chars, 4, 4);
  // An X after anything but 17 digits is a letter of the text: mask the number before it.
  if (digits.endsWith('X')) return maskNumber(chars.slice(0, -1).join('')) + chars.at(-1)!;
  // A mainland mobile number: the first 3 and the last 4.
  if (/^1[3-9][0-9]{9}$/.test(digits)) return maskDigits(chars, 3, 4);
  // A card or an account: the last 4.
  if (digits.length >= 12) return maskDigits(chars, 0, 4);
  return text;
}

export function maskFreeText(text: string): string {
  return text.replace(NUMBER_IN_TEXT, maskNumber);
}
