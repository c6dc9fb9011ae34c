// 人民币大写 on the receipt (portal/server/amount-in-words.ts): the financial numerals a voucher
// prints beside the figures, with 零 for each gap and 整 when there are no fen.
import { describe, expect, it } from 'vitest';
import { AMOUNT_IN_WORDS_MAX_FEN, amountInWords } from '../../../portal/server/amount-in-words.ts';

describe('amountInWords', () => {
  it.each([
    [4032000n, '人民币肆万零叁佰贰拾元整'],
    [192000n, '人民币壹仟玖佰贰拾元整'],
    [1000000n, '人民币壹万元整'],
    [10000000n, '人民币壹拾万元整'],
    [100000500n, '人民币壹佰万零伍元整'],
    [10001000000n, '人民币壹亿零壹万元整'],
    [100500n, '人民币壹仟零伍元整'],
    [1205n, '人民币壹拾贰元零伍分'],
    [1250n, '人民币壹拾贰元伍角整'],
    [1255n, '人民币壹拾贰元伍角伍分'],
    [30n, '人民币叁角整'],
    [5n, '人民币伍分'],
    [0n, '人民币零元整'],
  ])('writes %s fen as %s', (fen, words) => {
    expect(amountInWords(fen)).toBe(words);
  });

  it('writes the largest amount its units can say, 9999万亿… yuan, in words', () => {
    expect(amountInWords(AMOUNT_IN_WORDS_MAX_FEN)).toBe(
      '人民币玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分',
    );
  });

  it('refuses an amount past 万亿 (or below zero) rather than writing undefined in it', () => {
    expect(() => amountInWords(AMOUNT_IN_WORDS_MAX_FEN + 1n)).toThrow(RangeError);
    expect(() => amountInWords(10n ** 30n)).toThrow(RangeError);
    expect(() => amountInWords(-1n)).toThrow(RangeError);
  });
});
