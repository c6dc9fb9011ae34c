// CODE_SHAPE (create-ajv.ts) holds the ajv options that make the catalogue compile faster at start
// by changing only the code ajv generates (gateway/README.md#catalogue-compile-at-start). These
// tests hold them to that, for every item's payload validator and the envelope validator, on every
// example of the catalogue and on mutations of the examples that break them the ways a portal can
// (a property missing, of the wrong type, null or one too many, an array or object emptied):
// - what a submission is told (toFieldProblems) is the same as with ajv's own defaults;
// - ajv's errors themselves (every field, in order) are the same with and without loopRequired.
//   (With inlineRefs ajv's schemaPath of an error inside a shared definition starts at that
//   definition instead of naming the file; the problems a submission is told do not show it.)
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CODE_SHAPE, createAjv, ENVELOPE_ID } from '../../../gateway/catalogue/create-ajv.ts';
import { toFieldProblems } from '../../../gateway/catalogue/field-problems.ts';
import { parseExamples } from '../../../gateway/catalogue/item-files.ts';
import { readSeedSources } from '../../../gateway/catalogue/item-source.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from './support.ts';

const NOW = () => new Date('2026-11-20T03:00:00Z');
const shaped = createAjv({ divisions, now: NOW }, CODE_SHAPE);
const plain = createAjv({ divisions, now: NOW }, {});
const { loopRequired: _, ...unlooped } = CODE_SHAPE;
const unrolled = createAjv({ divisions, now: NOW }, unlooped);
const sources = readSeedSources(projectPath('schemas'));

type Json = unknown;
type Envelope = Readonly<Record<string, Json>>;

/** A value of another JSON type than `value`, so the `type` keyword (or an enum) fails. */
function wrongType(value: Json): Json {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number' || typeof value === 'boolean') return 'x';
  if (Array.isArray(value)) return { a: 1 };
  return ['x'];
}

/** `value` with `change` applied at the path (a fresh copy; `value` is left as it was). */
function changed(value: Json, path: readonly (string | number)[], change: (v: Json) => Json): Json {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  if (Array.isArray(value))
    return (value as Json[]).map((v, i) => (i === head ? changed(v, rest, change) : v));
  const object = value as Record<string, Json>;
  return { ...object, [head!]: changed(object[head!], rest, change) };
}

const DELETE = Symbol('delete');
function withoutDeleted(value: Json): Json {
  if (Array.isArray(value)) return value.filter((v) => v !== DELETE).map(withoutDeleted);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== DELETE)
        .map(([k, v]) => [k, withoutDeleted(v)]),
    );
  return value;
}

/** Every mutation of `root`: per property and element, removed, wrong type, null, and so on. */
function mutations(root: Json): Json[] {
  const out: Json[] = [{}, null, []];
  const visit = (value: Json, path: (string | number)[]) => {
    if (path.length > 0) {
      out.push(withoutDeleted(changed(root, path, () => DELETE)));
      out.push(changed(root, path, wrongType));
      out.push(changed(root, path, () => null));
    }
    if (Array.isArray(value)) {
      out.push(changed(root, path, () => []));
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      out.push(changed(root, path, () => ({})));
      out.push(changed(root, path, (v) => ({ ...(v as object), zzExtra: 'x' })));
      for (const [key, v] of Object.entries(value)) visit(v, [...path, key]);
    }
  };
  visit(root, []);
  return out;
}

/** What three validators of one schema answer: CODE_SHAPE's, ajv defaults', and unrolled's. */
interface Validators {
  readonly shaped: ValidateFunction;
  readonly plain: ValidateFunction;
  readonly unrolled: ValidateFunction;
}

function errorsOf(validate: ValidateFunction, data: Json) {
  validate(data);
  return structuredClone(validate.errors ?? []);
}

/** Compares the answers for `data`; returns the keywords of the errors it saw. */
function expectSameAnswers(v: Validators, data: Json): string[] {
  const errors = errorsOf(v.shaped, data);
  expect(errors).toEqual(errorsOf(v.unrolled, data));
  expect(toFieldProblems(errors)).toEqual(toFieldProblems(errorsOf(v.plain, data)));
  return errors.map((e) => e.keyword);
}

/** The item's example envelopes, and mutations of its first valid one (of its payload's). */
function dataOf(source: (typeof sources)[number], mutate: (envelope: Envelope) => Json) {
  const examples = parseExamples('examples', source.examplesText);
  if (!examples.ok) throw new Error(examples.problem);
  const { valid, invalid } = examples.value as {
    readonly valid: readonly Envelope[];
    readonly invalid: readonly { readonly envelope: Envelope }[];
  };
  return {
    envelopes: [...valid, ...invalid.map((e) => e.envelope)],
    mutated: mutations(mutate(valid[0]!)),
  };
}

describe('CODE_SHAPE', () => {
  it('loops over required lists of two names or more', () => {
    expect(CODE_SHAPE.loopRequired).toBe(2);
    expect(shaped.opts.loopRequired).toBe(2);
    expect(unrolled.opts.loopRequired).not.toBe(2);
  });

  it('changes no answer of the envelope validator for example envelopes or their mutations', () => {
    const v = {
      shaped: shaped.getSchema(ENVELOPE_ID)!,
      plain: plain.getSchema(ENVELOPE_ID)!,
      unrolled: unrolled.getSchema(ENVELOPE_ID)!,
    };
    const keywords = new Set<string>();
    // The envelope is the same for every item: the examples of a few items vary it enough.
    for (const source of sources.slice(0, 10)) {
      const { envelopes, mutated } = dataOf(source, (e) => ({ ...e, payload: {} }));
      for (const data of [...envelopes, ...mutated])
        for (const k of expectSameAnswers(v, data)) keywords.add(k);
    }
    expect([...keywords]).toEqual(expect.arrayContaining(['required', 'type', 'enum']));
  });

  it.each(sources.map((s) => [`${s.item.code} v${s.item.version}`, s] as const))(
    'changes no answer of the %s payload validator for its example payloads or their mutations',
    (_label, source) => {
      const schema = JSON.parse(source.schemaText) as Record<string, unknown>;
      const v = {
        shaped: shaped.compile(schema),
        plain: plain.compile(structuredClone(schema)),
        unrolled: unrolled.compile(structuredClone(schema)),
      };
      const keywords = new Set<string>();
      const { envelopes, mutated } = dataOf(source, (e) => e.payload);
      for (const data of [...envelopes.map((e) => e.payload), ...mutated])
        for (const k of expectSameAnswers(v, data)) keywords.add(k);
      expect([...keywords]).toEqual(expect.arrayContaining(['required', 'type']));
    },
  );
});
