// One pass over the text of a JSON body that JSON.parse has already accepted
// (gateway/README.md#body-checks). It finds what JSON.parse lets through silently:
//   - nesting deeper than the limit (before anything recursive walks the parsed value);
//   - an object naming a member twice (JSON.parse keeps the last one, which could decide the route);
//   - text the gateway refuses in any string: bidirectional overrides and isolates, byte order
//     marks, line/paragraph separators, C0 controls other than \t \n \r, DEL and C1 controls, and
//     unpaired surrogates (a masked name "‮**" displays reversed).
// Why the raw text and not the parsed value: duplicates exist only in the text, and a single loop
// over ~2 KiB costs a few microseconds (npm run bench:edge). Iterative, never recursive, so a
// 10 000-level body cannot overflow the stack. \t \n \r are left to each field's schema pattern:
// free text (defs.schema.json#/$defs/text) allows them, names do not.
import type { FieldProblem } from '../shared/errors.ts';

export interface JsonScan {
  tooDeep: boolean;
  duplicates: FieldProblem[];
  characters: FieldProblem[];
}

interface Frame {
  isObject: boolean;
  /**
   * Member names seen so far in the current object (objects only): the first `count` entries of
   * `names`, an array the frame keeps for the next object at its depth, searched from end to end;
   * an object with more than LINEAR_NAMES members moves them to the Set `many`. A body has a dozen
   * objects of a handful of names: a Set per object was half of what a scan allocated.
   */
  names: string[];
  count: number;
  many: Set<string> | undefined;
  /** Current member name (objects) or element index (arrays). */
  key: string;
  index: number;
  expectName: boolean;
}

const LINEAR_NAMES = 16;

/** Whether the current object of `frame` has a member `name` already; if not, remembers it. */
function seenBefore(frame: Frame, name: string): boolean {
  if (frame.many) {
    if (frame.many.has(name)) return true;
    frame.many.add(name);
    return false;
  }
  const { names, count } = frame;
  for (let k = 0; k < count; k++) if (names[k] === name) return true;
  if (count === LINEAR_NAMES) {
    frame.many = new Set(names.slice(0, count));
    frame.many.add(name);
  } else {
    names[count] = name;
    frame.count = count + 1;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Why a UTF-16 code unit may not appear in text, or undefined when it may. */
function forbidden(c: number): [string, string] | undefined {
  if (c < 0x20) {
    return c === 0x09 || c === 0x0a || c === 0x0d ? undefined : ['control character', '控制字符'];
  }
  if (c < 0x7f) return undefined;
  if (c <= 0x9f) return ['control character', '控制字符'];
  if (c < 0x2028) return undefined;
  if (c <= 0x2029) return ['line or paragraph separator', '行分隔符或段分隔符'];
  if (c >= 0x202a && c <= 0x202e) return ['bidirectional control', '双向文本控制字符'];
  if (c >= 0x2066 && c <= 0x2069) return ['bidirectional control', '双向文本控制字符'];
  if (c === 0xfeff) return ['byte order mark', '字节顺序标记'];
  return undefined;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function hex(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointer(stack: Frame[], depth: number): string {
  let out = '';
  for (let i = 0; i < depth; i++) {
    const frame = stack[i]!;
    out += `/${frame.isObject ? escapeToken(frame.key) : String(frame.index)}`;
  }
  return out;
}

interface StringScan {
  /** Index of the closing quote. */
  end: number;
  escaped: boolean;
  /** The first code unit that may not appear, or -1. */
  bad: number;
}

function unescape(e: number): number {
  switch (e) {
    case 0x62 /* b */:
      return 0x08;
    case 0x66 /* f */:
      return 0x0c;
    case 0x6e /* n */:
      return 0x0a;
    case 0x72 /* r */:
      return 0x0d;
    case 0x74 /* t */:
      return 0x09;
    default:
      return e; // \" \\ \/
  }
}

/** Scans the string whose opening quote is at `start`, decoding escapes as it goes. */
function scanString(text: string, start: number): StringScan {
  let escaped = false;
  let bad = -1;
  let high = -1; // a high surrogate waiting for its low half
  let i = start + 1;
  for (;;) {
    let c = text.charCodeAt(i);
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      escaped = true;
      const e = text.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        c = Number.parseInt(text.slice(i + 2, i + 6), 16);
        i += 6;
      } else {
        c = unescape(e);
        i += 2;
      }
    } else {
      i++;
    }
    // Fast path: printable ASCII, and U+3000–U+D7FF (CJK and Hangul), hold nothing refused.
    if (high === -1 && ((c >= 0x20 && c < 0x7f) || (c >= 0x3000 && c < 0xd800))) continue;
    if (bad !== -1) continue;
    if (high !== -1) {
      if (isLow(c)) {
        high = -1;
        continue;
      }
      bad = high;
      continue;
    }
    if (isHigh(c)) high = c;
    else if (isLow(c) || forbidden(c) !== undefined) bad = c;
  }
  return { end: i, escaped, bad: bad === -1 ? high : bad };
}

export function scanJson(
  text: string,
  { maxDepth, maxProblems = 20 }: { maxDepth: number; maxProblems?: number },
): JsonScan {
  const result: JsonScan = { tooDeep: false, duplicates: [], characters: [] };
  const stack: Frame[] = [];
  let depth = 0;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth === maxDepth) {
        result.tooDeep = true;
        return result;
      }
      const isObject = c === 0x7b;
      const frame = stack[depth];
      if (frame) {
        frame.isObject = isObject;
        frame.count = 0;
        frame.many = undefined;
        frame.key = '';
        frame.index = 0;
        frame.expectName = isObject;
      } else {
        stack.push({
          isObject,
          names: [],
          count: 0,
          many: undefined,
          key: '',
          index: 0,
          expectName: isObject,
        });
      }
      depth++;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      i++;
    } else if (c === 0x2c /* , */) {
      const frame = stack[depth - 1]!;
      if (frame.isObject) frame.expectName = true;
      else frame.index++;
      i++;
    } else if (c === QUOTE) {
      const scan = scanString(text, i);
      const frame = depth > 0 ? stack[depth - 1]! : undefined;
      const isName = frame !== undefined && frame.isObject && frame.expectName;
      if (scan.bad !== -1 && result.characters.length < maxProblems) {
        const problem = characterProblem(scan.bad, isName, stack, depth);
        // Two bad names in one object point at the same object: say it once.
        if (result.characters.at(-1)?.path !== problem.path) result.characters.push(problem);
      }
      if (isName) {
        const raw = text.slice(i + 1, scan.end);
        const name = scan.escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        frame.expectName = false;
        frame.key = name;
        if (seenBefore(frame, name) && result.duplicates.length < maxProblems) {
          result.duplicates.push({
            path: pointer(stack, depth),
            message: 'this member name appears more than once in its object',
            messageZh: '该成员名在同一对象中重复出现',
            keyword: 'duplicateKey',
          });
        }
      }
      i = scan.end + 1;
    } else {
      i++;
    }
  }
  return result;
}

function characterProblem(
  unit: number,
  isName: boolean,
  stack: Frame[],
  depth: number,
): FieldProblem {
  // A bad member name is reported on its object, so the pointer never carries the character.
  return problemAt(unit, isName, pointer(stack, isName ? depth - 1 : depth));
}

function problemAt(unit: number, isName: boolean, path: string): FieldProblem {
  const [why, whyZh] =
    isHigh(unit) || isLow(unit) ? ['unpaired surrogate', '不成对的代理项'] : forbidden(unit)!;
  return {
    path,
    message: `${isName ? 'a member name' : 'the text'} holds ${hex(unit)} (${why}), which is not allowed`,
    messageZh: `${isName ? '成员名' : '文本'}含有不允许的字符 ${hex(unit)}（${whyZh}）`,
    keyword: 'forbiddenCharacter',
  };
}

/** The first code unit of `text` that may not appear (an unpaired surrogate included), or -1. */
function badUnit(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHigh(c) && isLow(text.charCodeAt(i + 1))) i++;
    else if (isHigh(c) || isLow(c) || forbidden(c) !== undefined) return c;
  }
  return -1;
}

/**
 * The same refusal for a value already parsed, at pointers under `path`: what reaches a use case
 * without passing json-body.ts — a console form's JSON document or note — holds no text the API
 * would refuse. A catalogue draft typed in the console with a right-to-left override in an item's
 * name was stored, where the API answers 422: published, it would reverse what follows the name
 * on every page showing it. Iterative, as the scan; in document order.
 */
export function refusedText(value: unknown, path: string, maxProblems = 20): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length > 0 && problems.length < maxProblems) {
    const [at, where] = pending.pop()!;
    if (typeof at === 'string') {
      const unit = badUnit(at);
      if (unit !== -1) problems.push(problemAt(unit, false, where));
    } else if (typeof at === 'object' && at !== null) {
      const members = Array.isArray(at)
        ? at.map((v, i): [string, unknown] => [String(i), v])
        : Object.entries(at);
      const badName = members.map(([name]) => badUnit(name)).find((unit) => unit !== -1);
      if (badName !== undefined) problems.push(problemAt(badName, true, where));
      for (const [name, v] of members.reverse()) pending.push([v, `${where}/${escapeToken(name)}`]);
    }
  }
  return problems;
}
