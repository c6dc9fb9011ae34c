// lines-match: the lines of one list are the lines of another, paired by their key fields — a
// tax payment's 实缴明细 against the 缴款明细 submitted, by 征收项目代码, 征收品目代码 and 税款所属期 —
// each carrying the same amount (a deduction is all or nothing: the tax core pays a line in full
// or fails the payment). Every line of `key`'s list must pair with exactly one line of `otherKey`'s
// (none invented, none paid twice) with the same amount, and no line of the other list may be left
// unpaired; a list that is absent (a failed deduction has no lines) is not compared.
//
// `key` and `otherKey` name the key fields, one pointer per field with `*` for the line, the i-th
// of one beside the i-th of the other; `amount` and `otherAmount` the amount of a line of each. The
// pointers of one list must all go through the same array (checkPointers, when the item compiles).
// Problems are reported on `key`'s list: at the line (`/result/lines/2`), at its amount, or — for a
// line of the other list left unpaired — at the list itself (`/result/lines`).
import { escapeToken } from '../../shared/json-pointer.ts';
import { EVERY_ELEMENT } from './field-pointer.ts';
import { defineRule, field, type Located } from './cross-field-rule.ts';
import { toFen } from './sum-equals.ts';

type Tokens = readonly string[];

interface Line {
  /** The line's own pointer, `/result/lines/2`. */
  readonly path: string;
  readonly index: number;
  readonly key: (string | undefined)[];
  amount?: Located<string>;
}

function pointerOf(tokens: Tokens): string {
  return tokens.map((t) => `/${escapeToken(t)}`).join('');
}

/** The pointer up to the line's `*` (`/result/lines`), or why the pointers do not share one. */
function listOf(pointers: readonly Tokens[]): string | undefined {
  const lists = new Set(
    pointers.map((p) => {
      const star = p.indexOf(EVERY_ELEMENT);
      return star < 0 || p.indexOf(EVERY_ELEMENT, star + 1) >= 0 ? '' : pointerOf(p.slice(0, star));
    }),
  );
  const [list] = lists;
  return lists.size === 1 && list ? list : undefined;
}

/** The lines the values belong to, in the list's order, each with its key fields and amount. */
function linesOf(
  keys: readonly Located[],
  amounts: readonly Located[],
  keyPointers: readonly Tokens[],
): Line[] {
  const byPath = new Map<string, Line>();
  const lineOf = (v: Located): Line => {
    const star = v.pattern.indexOf(EVERY_ELEMENT);
    const path = pointerOf(v.tokens.slice(0, star + 1));
    let line = byPath.get(path);
    if (!line) {
      line = { path, index: Number(v.tokens[star]), key: keyPointers.map(() => undefined) };
      byPath.set(path, line);
    }
    return line;
  };
  for (const v of keys) {
    const i = keyPointers.findIndex(
      (p) =>
        p === v.pattern || (p.length === v.pattern.length && p.every((t, j) => t === v.pattern[j])),
    );
    if (i >= 0 && typeof v.value === 'string') lineOf(v).key[i] = v.value;
  }
  for (const v of amounts) if (typeof v.value === 'string') lineOf(v).amount = v as Located<string>;
  return [...byPath.values()].sort((a, b) => a.index - b.index);
}

const sameKey = (a: Line, b: Line) => a.key.every((k, i) => k === b.key[i]);
const sameAmount = (a: Line, b: Line) =>
  a.amount !== undefined &&
  b.amount !== undefined &&
  toFen(a.amount.value) === toFen(b.amount.value);

export const linesMatch = defineRule({
  name: 'lines-match',
  summary:
    'each line pairs with exactly one line of the other list by its key fields and has its amount; none of either is left unpaired',
  explain: (l) =>
    `each line by ${field(l.key)} = one line by ${field(l.otherKey)}, ${field(l.amount)} = ${field(l.otherAmount)}, none unpaired`,
  params: {
    key: { kind: 'string', many: true },
    otherKey: { kind: 'string', many: true },
    amount: { kind: 'amount', many: true },
    otherAmount: { kind: 'amount', many: true },
  },
  checkPointers(pointers) {
    const problems: string[] = [];
    if (pointers.key.length !== pointers.otherKey.length)
      problems.push(
        `otherKey: names ${pointers.otherKey.length} key fields, key ${pointers.key.length}: the i-th of each are compared`,
      );
    for (const [keys, amount] of [
      ['key', 'amount'],
      ['otherKey', 'otherAmount'],
    ] as const) {
      if (pointers[amount].length !== 1) problems.push(`${amount}: takes one pointer, not a list`);
      if (!listOf([...pointers[keys], ...pointers[amount]]))
        problems.push(
          `${keys}: the pointers of ${keys} and ${amount} must each have one ${EVERY_ELEMENT}, in the same array (the lines)`,
        );
    }
    return problems;
  },
  check(values, _context, labels, pointers) {
    const ours = linesOf(values.key, values.amount, pointers.key);
    const theirs = linesOf(values.otherKey, values.otherAmount, pointers.otherKey);
    if (ours.length === 0 || theirs.length === 0) return [];
    const hidden = labels.key.personal || labels.otherKey.personal;
    const keyText = (line: Line) => (hidden ? '' : ` (${line.key.join(' ')})`);
    const problems = [];
    const pairedBy = new Map<Line, Line>();
    for (const line of ours) {
      const candidates = theirs.filter((t) => !pairedBy.has(t) && sameKey(line, t));
      if (candidates.length === 0) {
        const paid = theirs.find((t) => sameKey(line, t));
        const earlier = paid && pairedBy.get(paid);
        problems.push(
          earlier
            ? {
                path: line.path,
                message: `pairs again with the line ${paid.path} that ${earlier.path} already pairs with by ${labels.otherKey.en}${keyText(line)}`,
                messageZh: `该行${labels.key.zh}${keyText(line)}与 ${earlier.path} 相同,重复对应 ${paid.path}`,
              }
            : {
                path: line.path,
                message: `pairs with no line of ${listOf(pointers.otherKey)} by ${labels.otherKey.en}${keyText(line)}`,
                messageZh: `该行${labels.key.zh}${keyText(line)}与提交的任何一行都不一致`,
              },
        );
        continue;
      }
      const other = candidates.find((t) => sameAmount(line, t)) ?? candidates[0]!;
      pairedBy.set(other, line);
      if (!line.amount || !other.amount || sameAmount(line, other)) continue;
      const hideAmounts = labels.amount.personal || labels.otherAmount.personal;
      problems.push({
        path: line.amount.path,
        message: `must equal ${other.amount.path}${hideAmounts ? '' : ` (${other.amount.value})`}, the amount of the line it pairs with`,
        messageZh: `${labels.amount.zh}${hideAmounts ? '' : ` ${line.amount.value}`} 与对应提交行的${labels.otherAmount.zh}${hideAmounts ? '' : ` ${other.amount.value}`} 不一致`,
      });
    }
    const list = listOf(pointers.key)!;
    for (const other of theirs) {
      if (pairedBy.has(other)) continue;
      problems.push({
        path: list,
        message: `lacks the line ${other.path}${keyText(other)}: no line pairs with it by ${labels.key.en}`,
        messageZh: `缺少与提交的 ${other.path}${keyText(other)} 对应的行`,
      });
    }
    return problems;
  },
});
