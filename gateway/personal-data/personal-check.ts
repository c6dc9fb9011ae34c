// The catalogue refuses a field that looks personal but is not annotated (schemas/README.md#personal-data):
// masking follows the annotations only, so a forgotten one would show an ID number in clear. Run
// in the compile pipeline (gateway/catalogue/compile-item.ts), so the check holds at start and for
// every draft validated later. "Looks personal" is judged by the field's form, not its key name:
// an identifier keyword that accepts a person's ID number, a pattern that admits an ID number or a
// mobile phone or copies a personal definition's pattern, or a Chinese title that names a
// person's name, phone, account, ID number, address or mailbox. Fields with a closed list of
// values (enum, const) can hold nothing personal.
import { PERSONAL_KEYWORD } from './personal-kind.ts';
import { annotatedKind, toPointer } from './personal-locations.ts';
import {
  eachField,
  fieldTitle,
  type DeclaredField,
  type SchemaDocuments,
} from './schema-fields.ts';

type Schema = Readonly<Record<string, unknown>>;

export interface UnannotatedField {
  /** Pointer pattern of the field, as personal locations name them. */
  readonly pointer: string;
  /** The rule that found it personal-looking. */
  readonly rule: string;
}

interface LooksPersonal {
  readonly rule: string;
  readonly test: (
    schemas: readonly Schema[],
    title: string,
    patterns: readonly string[],
  ) => boolean;
}

const keyword = (name: string) => (schemas: readonly Schema[]) =>
  schemas.some((s) => s[name] !== undefined && s[name] !== false);
const titled = (pattern: RegExp) => (_: readonly Schema[], title: string) => pattern.test(title);

const RULES: readonly LooksPersonal[] = [
  { rule: 'the idNumber keyword (a resident ID number)', test: keyword('idNumber') },
  { rule: "the taxpayerId keyword (may be a person's ID number)", test: keyword('taxpayerId') },
  {
    rule: 'a pattern that admits an ID number (17 digits and a check character)',
    test: (_s, _t, patterns) => patterns.some((p) => /(\[0-9\]|\\d)\{17\}/.test(p)),
  },
  {
    rule: 'a mobile phone pattern (1[3-9]…)',
    test: (_s, _t, patterns) => patterns.some((p) => /1\[3-9\]|1\[3456789\]/.test(p)),
  },
  {
    rule: "a title naming a person's name (姓名, 户名, …人)",
    test: titled(/姓名|户名|账户名|人名称$|人$/u),
  },
  { rule: 'a title naming a phone (电话, 手机)', test: titled(/电话|手机/u) },
  { rule: 'a title naming an account or card number (账号, 卡号)', test: titled(/账号|卡号/u) },
  { rule: 'a title naming an ID number (身份证, 身份号码)', test: titled(/身份证|身份号码/u) },
  {
    rule: 'a title naming an address (地址, 住址, 住所)',
    test: (schemas, title) =>
      /地址|住址|住所/u.test(title) && !schemas.some((s) => s.format === 'uri'),
  },
  {
    rule: 'an e-mail address (format email, 邮箱)',
    test: (schemas, title) => /邮箱/u.test(title) || schemas.some((s) => s.format === 'email'),
  },
];

function isFreeString(schemas: readonly Schema[]): boolean {
  return (
    schemas.some((s) => s.type === 'string') &&
    !schemas.some((s) => s.enum !== undefined || s.const !== undefined)
  );
}

// Kept per shared definitions document: the catalogue checks ~150 item versions against the same
// one (gateway/README.md#catalogue-compile-at-start).
const patternsByDefs = new WeakMap<object, ReadonlyMap<string, string>>();

/**
 * Patterns only personal definitions use (phone, bankAccount): a field that copies one is
 * personal too. A generic pattern (no control characters) says nothing and is left out.
 */
function personalPatterns(docs: SchemaDocuments): ReadonlyMap<string, string> {
  let known = patternsByDefs.get(docs.defs);
  if (!known) patternsByDefs.set(docs.defs, (known = collectPersonalPatterns(docs)));
  return known;
}

function collectPersonalPatterns(docs: SchemaDocuments): Map<string, string> {
  const out = new Map<string, string>();
  const shared = new Set<string>();
  const defs = (docs.defs.$defs ?? {}) as Record<string, Schema>;
  for (const [name, def] of Object.entries(defs)) {
    if (typeof def.pattern !== 'string') continue;
    if (def[PERSONAL_KEYWORD] === undefined) shared.add(def.pattern);
    else out.set(def.pattern, name);
  }
  for (const pattern of shared) out.delete(pattern);
  return out;
}

function looksPersonal(
  field: DeclaredField,
  copies: ReadonlyMap<string, string>,
): string | undefined {
  const { schemas } = field;
  if (!isFreeString(schemas)) return undefined;
  const patterns = schemas.flatMap((s) => (typeof s.pattern === 'string' ? [s.pattern] : []));
  const copied = patterns.find((p) => copies.has(p));
  if (copied) return `the pattern of the personal definition ${copies.get(copied)}`;
  const title = fieldTitle(field) ?? '';
  return RULES.find((r) => r.test(schemas, title, patterns))?.rule;
}

/** Every field of `root` that looks personal and carries no `x-personal`, first rule that fired. */
export function unannotatedPersonalFields(
  root: Schema,
  docs: SchemaDocuments,
  prefix: readonly string[] = [],
): UnannotatedField[] {
  const copies = personalPatterns(docs);
  const out: UnannotatedField[] = [];
  eachField(root, docs, (field) => {
    if (annotatedKind(field)) return false;
    const rule = looksPersonal(field, copies);
    if (rule) out.push({ pointer: toPointer([...prefix, ...field.tokens]), rule });
    return true;
  });
  return out;
}

/** The catalogue's problem text for one unannotated field. */
export function unannotatedProblem(field: UnannotatedField): string {
  return `${field.pointer} looks personal (${field.rule}) but has no x-personal annotation`;
}
