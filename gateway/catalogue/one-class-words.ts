// Most item patterns are one character class repeated (`^[0-9]{6,20}$`, `^[0-9A-Za-z-]{6,40}$`):
// such a pattern is read into words here, in English and Chinese, rather than each being written
// by hand in a table (pattern-words.ts). A class with a part not listed below (`A-HJ-N`) is not
// read: its pattern needs words of its own (item-pattern-words.ts).
import type { Words } from './pattern-words.ts';

// The parts of a character class, longest first so `0-9` is not read as `0`.
const CLASS_PARTS: readonly (readonly [source: string, en: string, zh: string])[] = [
  ['\\u4e00-\\u9fa5', 'a Chinese character', '汉字'],
  ['0-9', 'a digit 0–9', '数字 0–9'],
  ['A-Z', 'an upper-case letter A–Z', '大写字母 A–Z'],
  ['a-z', 'a lower-case letter a–z', '小写字母 a–z'],
  ['A-F', 'an upper-case letter A–F', '大写字母 A–F'],
  ['a-f', 'a lower-case letter a–f', '小写字母 a–f'],
  ['_', '"_"', '"_"'],
  ['-', '"-"', '"-"'],
];

const ONE_CLASS = /^\^\[([^\]^]+)\](?:\{([0-9]+)(?:,([0-9]+))?\}|(\+))\$$/;

/** `a, b or c`. */
function eitherEn(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

// A space between Chinese and a Latin letter, a digit or a quote, none between Chinese characters.
const LATIN_END = /[A-Za-z0-9"]$/;
const LATIN_START = /^[A-Za-z0-9"]/;

/** `a、b 或 c`; `a、b或c` when b and c are Chinese at the 或. */
function eitherZh(parts: readonly string[]): string {
  if (parts.length === 1) return parts[0]!;
  const head = parts.slice(0, -1).join('、');
  const last = parts.at(-1)!;
  return `${head}${LATIN_END.test(head) ? ' ' : ''}或${LATIN_START.test(last) ? ' ' : ''}${last}`;
}

/**
 * `^[0-9A-Za-z_-]{1,64}$` as "1 to 64 characters, each a digit 0–9, …" and "1 至 64 个字符，每个为
 * 数字 0–9、…"; undefined for any other shape or a class with a part not in CLASS_PARTS.
 */
export function oneClassWords(pattern: string): Words | undefined {
  const shape = ONE_CLASS.exec(pattern);
  if (!shape) return undefined;
  const [, body, min, max, plus] = shape as unknown as [string, string, string?, string?, string?];
  const parts: (readonly [string, string, string])[] = [];
  for (let rest = body; rest.length > 0;) {
    const part = CLASS_PARTS.find(([source]) => rest.startsWith(source));
    if (!part) return undefined;
    parts.push(part);
    rest = rest.slice(part[0].length);
  }
  if (parts.length === 1 && parts[0]![0] === '0-9')
    return plus
      ? { en: 'one or more digits 0–9', zh: '一位或多位数字' }
      : {
          en: `${max === undefined ? 'exactly' : `${min} to`} ${max ?? min} digits 0–9`,
          zh: `${max === undefined ? min : `${min} 至 ${max}`} 位数字`,
        };
  const count = plus
    ? { en: 'one or more characters', zh: '一个或多个字符' }
    : max === undefined
      ? { en: `exactly ${min} character${min === '1' ? '' : 's'}`, zh: `${min} 个字符` }
      : { en: `${min} to ${max} characters`, zh: `${min} 至 ${max} 个字符` };
  return {
    en: `${count.en}, each ${eitherEn(parts.map((p) => p[1]))}`,
    zh: `${count.zh}，每个为${eitherZh(parts.map((p) => p[2]))}`,
  };
}
