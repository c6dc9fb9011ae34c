// The meta-rules an item schema must meet before the registry loads it: no unbounded string or
// array, no object that admits undeclared fields, no declaration that accepts anything, and a
// Chinese title on every property (the portal forms and the error messages use it).
import { describe, expect, it } from 'vitest';
import { checkChineseTitles, checkSchemaRules } from '../../../gateway/catalogue/schema-rules.ts';

type Json = Parameters<typeof checkSchemaRules>[0];

const object = (properties: Record<string, Json>): Json => ({
  title: '测试',
  type: 'object',
  properties,
  additionalProperties: false,
});

describe('checkSchemaRules', () => {
  it('accepts bounded strings, arrays, enums, consts, refs and closed objects', () => {
    const schema = object({
      a: { type: 'string', maxLength: 5 },
      b: { type: 'array', maxItems: 2, items: { type: 'integer' } },
      c: { enum: ['x', 'y'] },
      d: { const: 'z' },
      e: { $ref: '../defs.schema.json#/$defs/text' },
      f: false,
      g: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] },
    });
    expect(checkSchemaRules(schema)).toEqual([]);
  });

  it('finds each violation at its path, however deep', () => {
    const schema = object({
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string', maxLength: 5 } },
      open: { type: 'object', properties: {} },
      list: { type: 'array', maxItems: 3, items: object({ note: { type: ['string', 'null'] } }) },
      anything: { title: '备注' },
      yes: true,
      either: { oneOf: [{ type: 'integer' }, {}] },
    });
    expect(checkSchemaRules(schema)).toEqual([
      { schemaPath: '/properties/name', rule: 'string without maxLength' },
      { schemaPath: '/properties/tags', rule: 'array without maxItems' },
      { schemaPath: '/properties/open', rule: 'object without additionalProperties: false' },
      { schemaPath: '/properties/list/items/properties/note', rule: 'string without maxLength' },
      { schemaPath: '/properties/anything', rule: 'schema without type, $ref, enum or const' },
      { schemaPath: '/properties/yes', rule: 'schema without type, $ref, enum or const' },
      { schemaPath: '/properties/either', rule: 'schema without type, $ref, enum or const' },
    ]);
  });

  it('checks $defs and conditional branches, but lets branches refine without a type', () => {
    const schema = {
      ...(object({ kind: { enum: ['a', 'b'] }, code: { type: 'string', maxLength: 9 } }) as object),
      $defs: { loose: { type: 'string' } },
      if: { properties: { kind: { const: 'a' } } },
      then: { properties: { code: { minLength: 9 } }, required: ['code'] },
      else: { properties: { code: { type: 'string' } } },
    } as Json;
    expect(checkSchemaRules(schema)).toEqual([
      { schemaPath: '/$defs/loose', rule: 'string without maxLength' },
      { schemaPath: '/else/properties/code', rule: 'string without maxLength' },
    ]);
  });
});

describe('checkChineseTitles', () => {
  it('requires a Chinese title at the root and on every property that is not a $ref', () => {
    const schema: Json = {
      title: 'Payment',
      type: 'object',
      properties: {
        ok: { title: '金额', type: 'string', maxLength: 5 },
        ref: { $ref: '../defs.schema.json#/$defs/text' },
        english: { title: 'Amount', type: 'string', maxLength: 5 },
        list: {
          title: '明细',
          type: 'array',
          maxItems: 2,
          items: { type: 'object', properties: { x: { type: 'integer' } } },
        },
      },
      $defs: { part: { type: 'object', properties: { y: { type: 'integer' } } } },
    };
    expect(checkChineseTitles(schema)).toEqual([
      { schemaPath: '/', rule: 'no Chinese title' },
      { schemaPath: '/properties/english', rule: 'no Chinese title' },
      { schemaPath: '/properties/list/items/properties/x', rule: 'no Chinese title' },
      { schemaPath: '/$defs/part/properties/y', rule: 'no Chinese title' },
    ]);
  });
});
