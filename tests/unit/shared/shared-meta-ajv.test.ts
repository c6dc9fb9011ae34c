// SharedMetaAjv (gateway/shared/shared-meta-ajv.ts): the instances of a process leave the check of
// their schemas against the JSON Schema 2020-12 meta-schema to one validator, so the meta-schema
// is compiled once per process instead of once per instance, and every schema, valid or not, gets
// the answer ajv's own check gives: the same verdict, the same errors, the same thrown message.
import type { Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SharedMetaAjv } from '../../../gateway/shared/shared-meta-ajv.ts';

const META = 'https://json-schema.org/draft/2020-12/schema';

/** Whether this instance compiled the meta-schema itself. */
const compiledMetaSchema = (ajv: Ajv2020) => ajv.schemas[META]?.validate !== undefined;

// The option sets the gateway's instances use, and one the shared validator cannot answer for.
const OPTION_SETS: Options[] = [
  { allErrors: true, strict: true },
  { allErrors: true, strict: false },
  { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true },
  { allErrors: true, coerceTypes: true, useDefaults: true, strict: true },
  { allErrors: true, code: { optimize: false }, inlineRefs: false, loopRequired: 2 },
  { allErrors: false },
  { allErrors: true, strictNumbers: 'log' },
];

const INVALID_SCHEMAS: unknown[] = [
  { type: 'strng' },
  { type: 'object', properties: { a: { type: 'string', minLength: -1 } }, required: 'a' },
  { $defs: { x: { enum: 'a' } }, items: [{ type: 'string' }] },
  { $id: 5, title: 7, anyOf: [] },
  { maximum: Infinity },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' },
  { $schema: 5 },
];

const VALID_SCHEMAS: unknown[] = [
  { type: 'object', properties: { a: { type: 'string', maxLength: 3 } }, required: ['a'] },
  { $schema: META, type: 'array', items: { enum: [1, 2] } },
  true,
];

/** What compiling the schema gives: the thrown message, or 'compiled'. */
function compileOutcome(ajv: Ajv2020, schema: unknown): string {
  try {
    ajv.compile(schema as object);
    return 'compiled';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('SharedMetaAjv', () => {
  it('compiles the 2020-12 meta-schema once per process, not once per instance', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const instances = [
      new SharedMetaAjv({ allErrors: true, strict: true }),
      new SharedMetaAjv({ allErrors: true, coerceTypes: true, useDefaults: true }),
    ];
    for (const ajv of instances) ajv.compile(structuredClone(schema));
    expect(instances.map(compiledMetaSchema)).toEqual([false, false]);
    // ajv's own instances each compile it.
    const own = new Ajv2020({ allErrors: true, strict: true });
    own.compile(structuredClone(schema));
    expect(compiledMetaSchema(own)).toBe(true);
  });

  for (const options of OPTION_SETS)
    it(`refuses and accepts the schemas ajv's own check does, with its message (${JSON.stringify(options)})`, () => {
      for (const schema of [...INVALID_SCHEMAS, ...VALID_SCHEMAS]) {
        const own = compileOutcome(new Ajv2020(options), structuredClone(schema));
        const shared = compileOutcome(new SharedMetaAjv(options), structuredClone(schema));
        expect({ schema, outcome: shared }).toEqual({ schema, outcome: own });
      }
    });

  it('answers validateSchema with the verdict and errors of ajv’s own check', () => {
    for (const schema of [...INVALID_SCHEMAS, ...VALID_SCHEMAS].filter(
      (s) => typeof s !== 'object' || (s as { $schema?: unknown }).$schema === undefined,
    )) {
      const own = new Ajv2020({ allErrors: true });
      const shared = new SharedMetaAjv({ allErrors: true });
      const verdict = own.validateSchema(structuredClone(schema) as object);
      expect(shared.validateSchema(structuredClone(schema) as object)).toBe(verdict);
      expect(shared.errors).toEqual(own.errors);
    }
  });
});
