// 人民币大写 for the receipt (README.md#the-taxpayer-portal): an amount in whole fen written as
// Chinese financial numerals, as vouchers print it beside the figures (e.g. 40320.00 →
// 人民币肆万零叁佰贰拾元整). Integer arithmetic only.

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['仟', '佰', '拾', ''];
const BIG_UNITS = ['', '万', '亿', '万亿'];

/**
 * The largest amount the units above can say, 9999万亿… yuan and 99 fen: a sixteenth yuan digit
 * would need a unit past 万亿, and was written `undefined` (壹undefined元整 for 10^16 yuan, asked
 * by GET /api/amount-in-words). A form's amounts stop at 15 yuan digits (schemas/defs.schema.json,
 * moneyAmount); a sum of many lines may pass that, and is then refused, not misspelled.
 */
export const AMOUNT_IN_WORDS_MAX_FEN = 10n ** 18n - 1n;

/** 1 ≤ n < 10000 without leading zeros; an inner run of zeros reads 零 once (1005 → 壹仟零伍). */
function group(n: number): string {
  const digits = String(n).padStart(4, '0').split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      zero = out !== '';
      return;
    }
    out += `${zero ? '零' : ''}${DIGITS[d]}${SMALL_UNITS[i]}`;
    zero = false;
  });
  return out;
}

function yuanWords(yuan: bigint): string {
  if (yuan === 0n) return '零';
  const groups: number[] = [];
  for (let rest = yuan; rest > 0n; rest /= 10000n) groups.unshift(Number(rest % 10000n));
  let out = '';
  let zero = false;
  groups.forEach((n, i) => {
    if (n === 0) {
      zero = out !== '';
      return;
    }
    // A gap before this group (a zero group, or fewer than four digits in it) reads 零.
    if (out !== '' && (zero || n < 1000)) out += '零';
    out += group(n) + BIG_UNITS[groups.length - 1 - i]!;
    zero = false;
  });
  return out;
}

export function amountInWords(fen: bigint): string {
  if (fen < 0n || fen > AMOUNT_IN_WORDS_MAX_FEN)
    throw new RangeError(`no words for ${fen} fen (0 to ${AMOUNT_IN_WORDS_MAX_FEN})`);
  const yuan = fen / 100n;
  const jiao = Number((fen / 10n) % 10n);
  const cent = Number(fen % 10n);
  const whole = yuan > 0n || (jiao === 0 && cent === 0) ? `${yuanWords(yuan)}元` : '';
  if (jiao === 0 && cent === 0) return `人民币${whole}整`;
  const jiaoPart = jiao > 0 ? `${DIGITS[jiao]}角` : whole ? '零' : '';
  const centPart = cent > 0 ? `${DIGITS[cent]}分` : '整';
  return `人民币${whole}${jiaoPart}${centPart}`;
}
