// Regular expressions an operator's draft brings (schemas/README.md#draft-validation): every
// `pattern` and `patternProperties` name in the item document, its typed result included, is run by
// V8's backtracking engine against what portals and provinces send, on the gateway's one thread. A
// pattern such as `^(a|a)+$` or `^([a-z]+)*$` takes exponential time on a short non-matching string
// (`"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"` held a gateway for hours): one draft — even only
// checked or validated, since validation runs the draft's examples — froze every request of the
// gateway, and a published one would freeze every gateway on any portal's crafted submission.
// redos-detector judges each pattern by the backtracking it allows; `maxSteps` bounds that
// judgement (deterministic, not a clock) at about a fifth of a second for the worst pattern, and
// every pattern the seed catalogue ships passes with room to spare
// (tests/unit/catalogue/pattern-safety.test.ts). The draft's judgements together are bounded too
// (DRAFT_JUDGEMENT_STEPS): 32 of the slowest patterns took seconds of the thread a request. Only
// drafts are judged: the seed files are judged by that test, and published versions came through
// a draft or the seed, so the compile at start does not pay for it again.
import { isSafePattern } from 'redos-detector';
import type { ItemProblem } from '../item-schema-checks.ts';
import { escapeToken } from '../../shared/json-pointer.ts';

/** Work the judgement of one pattern may take; a pattern needing more is refused as unsafe. */
const MAX_STEPS = 1000;

/**
 * Allowances a pattern is judged with in turn, each only if the one before ran out: the seed's
 * patterns need at most 191 steps (most under 64), so a plain pattern costs 16 or 64 steps of the
 * draft's budget rather than the whole per-pattern allowance.
 */
const ALLOWANCES = [16, 64, 256, MAX_STEPS];

/**
 * Steps every judgement of one draft may take together, each judgement charged its whole
 * allowance (redos-detector does not say how many it used): room for the seed's costliest item
 * (SW-013, 784 steps) with one pattern refused at MAX_STEPS beside it (1336 steps with the
 * allowances before it), so an operator who adds one catastrophic pattern to an item is told it
 * backtracks; a draft of 32 of the slowest patterns to judge now takes 0.2–0.3 s of the thread
 * (medians on a busy 2-core machine, against 3.6–4.6 s judged pattern by pattern). The first
 * pattern past it refuses the draft as too complex at its pointer, and no pattern after it is
 * judged.
 */
export const DRAFT_JUDGEMENT_STEPS = 2200;

/**
 * Distinct patterns one item document may carry (the seed's most is 6), refused before any is
 * judged: a draft of thousands is told so at once rather than at the budget's end.
 */
export const MAX_DRAFT_PATTERNS = 32;

// Members whose values are data, not schemas: a "pattern" inside them is not a regular expression.
const DATA_KEYS = new Set(['enum', 'const', 'examples', 'default', 'crossFieldRules']);

/** Every pattern of `schema` with the JSON pointer of where it is written. */
function patternsOf(schema: unknown): { pointer: string; pattern: string }[] {
  const out: { pointer: string; pattern: string }[] = [];
  const stack: [unknown, string][] = [[schema, '']];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push([child, `${pointer}/${i}`]));
      continue;
    }
    for (const [key, value] of Object.entries(node) as [string, unknown][]) {
      const at = `${pointer}/${escapeToken(key)}`;
      if (DATA_KEYS.has(key)) continue;
      if (key === 'pattern' && typeof value === 'string') out.push({ pointer: at, pattern: value });
      if (key === 'patternProperties' && typeof value === 'object' && value !== null)
        for (const name of Object.keys(value))
          out.push({ pointer: `${at}/${escapeToken(name)}`, pattern: name });
      stack.push([value, at]);
    }
  }
  return out.sort((a, b) => (a.pointer < b.pointer ? -1 : 1));
}

type Verdict = 'safe' | 'unsafe' | 'hitMaxSteps';

function judge(pattern: string, maxSteps: number): Verdict {
  try {
    const result = isSafePattern(pattern, { unicode: true, maxSteps });
    return result.safe ? 'safe' : result.error === 'hitMaxSteps' ? 'hitMaxSteps' : 'unsafe';
  } catch {
    // Not a pattern redos-detector can read (the strict compile says why when it is not valid
    // JavaScript either): what cannot be judged is not run against portals' data.
    return 'unsafe';
  }
}

/** Whether V8 can match `pattern` without unbounded backtracking, as ajv runs it (`u` flag). */
export function patternIsSafe(pattern: string): boolean {
  return judge(pattern, MAX_STEPS) === 'safe';
}

/**
 * Judges `pattern` with growing allowances out of `budget.left` steps: 'over' when the budget ran
 * out before a verdict.
 */
function judgeWithin(pattern: string, budget: { left: number }): 'safe' | 'unsafe' | 'over' {
  for (const allowance of ALLOWANCES) {
    const steps = Math.min(allowance, budget.left);
    if (steps <= 0) return 'over';
    budget.left -= steps;
    const verdict = judge(pattern, steps);
    if (verdict !== 'hitMaxSteps') return verdict;
    if (steps < allowance) return 'over';
  }
  return 'unsafe';
}

/** A problem for each pattern of `schema` that can backtrack without bound, at its pointer. */
export function unsafePatternProblems(schema: unknown): ItemProblem[] {
  const found = patternsOf(schema);
  const distinct = new Set(found.map((p) => p.pattern)).size;
  if (distinct > MAX_DRAFT_PATTERNS)
    return [
      {
        path: '',
        message: `the schema has ${distinct} distinct patterns, more than ${MAX_DRAFT_PATTERNS}`,
        messageZh: `结构定义含 ${distinct} 个不同的正则表达式,超过 ${MAX_DRAFT_PATTERNS} 个`,
      },
    ];
  const budget = { left: DRAFT_JUDGEMENT_STEPS };
  const judged = new Map<string, 'safe' | 'unsafe' | 'over'>();
  const problems: ItemProblem[] = [];
  for (const { pointer, pattern } of found) {
    if (!judged.has(pattern)) judged.set(pattern, judgeWithin(pattern, budget));
    const verdict = judged.get(pattern);
    const shown = JSON.stringify(pattern.slice(0, 80));
    if (verdict === 'unsafe')
      problems.push({
        path: pointer,
        message: `pattern ${shown} can backtrack without bound (catastrophic backtracking): rewrite it so each character can match one way only`,
        messageZh: `正则表达式 ${shown} 可能无限回溯(灾难性回溯):请改写为每个字符只有一种匹配方式`,
      });
    if (verdict === 'over') {
      problems.push({
        path: pointer,
        message: `the schema's patterns are too complex to judge: judging them up to ${shown} took more than ${DRAFT_JUDGEMENT_STEPS} steps; simplify the patterns or use fewer`,
        messageZh: `结构定义的正则表达式过于复杂:判定到 ${shown} 时已超过 ${DRAFT_JUDGEMENT_STEPS} 步,请简化或减少正则表达式`,
      });
      break;
    }
  }
  return problems;
}
