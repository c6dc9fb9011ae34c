// Money on the portal's pages (README.md#the-taxpayer-portal): amounts are decimal strings of yuan
// with two places, added as whole fen in BigInt — never as floats, so 0.10 + 0.20 is exactly 0.30 —
// and shown as yuan.

const AMOUNT = /^(0|[1-9][0-9]*)\.([0-9]{2})$/;

const WHOLE_YUAN = /^(0|[1-9][0-9]*)$/;

/**
 * A typed amount in the form a payload carries: whole yuan ("38400") gets its two places
 * ("38400.00"), as a clerk writes a round sum; anything else is left as typed (trimmed), for the
 * gateway's check to name. The schema's moneyAmount takes exactly two places, and "38400" was
 * refused only after 确认缴款, as of the wrong form.
 */
export function asAmount(text) {
  const typed = String(text ?? '').trim();
  return WHOLE_YUAN.test(typed) ? `${typed}.00` : typed;
}

/** "38400.00" → 3840000n; null for anything that is not a two-place amount. */
export function toFen(text) {
  const match = AMOUNT.exec(String(text ?? '').trim());
  return match ? BigInt(match[1]) * 100n + BigInt(match[2]) : null;
}

/** 3840000n → "38400.00", the form a payload carries. */
export function fenToAmount(fen) {
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

/** 4032000n → "¥40,320.00", for people. */
export function formatYuan(fen) {
  const yuan = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `¥${yuan}.${String(fen % 100n).padStart(2, '0')}`;
}

/** The sum of the amounts in fen, or null when one of them is not an amount. */
export function sumFen(amounts) {
  let total = 0n;
  for (const amount of amounts) {
    const fen = toFen(amount);
    if (fen === null) return null;
    total += fen;
  }
  return total;
}
