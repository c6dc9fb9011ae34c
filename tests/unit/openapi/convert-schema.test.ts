// Converting our 2020-12 files into OpenAPI components: references move into the document, file
// identity goes, and custom keywords become x-gw-check — without touching data that merely looks
// like a keyword (a property named creditCode, an enum value, a required list).
import { describe, expect, it } from 'vitest';
import { SCHEMA_BASE } from '../../../gateway/catalogue/create-ajv.ts';
import {
  defsComponents,
  rewriteRef,
  toComponent,
} from '../../../gateway/openapi/convert-schema.ts';

const item = { self: 'item.XX-001.v1' };

describe('rewriteRef', () => {
  it('points shared definitions, however written, at defs.<name> components', () => {
    for (const ref of [
      '../defs.schema.json#/$defs/creditCode',
      'defs.schema.json#/$defs/creditCode',
      `${SCHEMA_BASE}defs.schema.json#/$defs/creditCode`,
    ])
      expect(rewriteRef(ref, item), ref).toBe('#/components/schemas/defs.creditCode');
    expect(rewriteRef('../defs.schema.json#/$defs/period/properties/start', item)).toBe(
      '#/components/schemas/defs.period/properties/start',
    );
  });

  it("points a schema's own $defs into its component, and defs' own into the hoisted ones", () => {
    expect(rewriteRef('#/$defs/line', item)).toBe('#/components/schemas/item.XX-001.v1/$defs/line');
    expect(rewriteRef('#/$defs/date', { self: 'defs', hoistedDefs: true })).toBe(
      '#/components/schemas/defs.date',
    );
  });

  it('refuses a reference the published document could not resolve', () => {
    expect(() => rewriteRef('https://elsewhere.example/x.json', item)).toThrow(/cannot publish/);
    expect(() => rewriteRef('other.schema.json#/$defs/x', item)).toThrow(/cannot publish/);
  });
});

describe('toComponent', () => {
  const source = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${SCHEMA_BASE}items/XX-001.schema.json`,
    type: 'object',
    properties: {
      creditCode: { $ref: '../defs.schema.json#/$defs/creditCode' },
      period: { type: 'object', description: 'Contract period.', orderedPeriod: 'past' },
      code: { type: 'string', divisionCode: true, idNumber: true },
      kind: { enum: ['creditCode', 'idNumber'] },
    },
    required: ['creditCode'],
    allOf: [{ if: { properties: { kind: { const: 'x' } } }, then: { $ref: '#/$defs/x' } }],
    $defs: { x: { required: ['code'] } },
  };

  it('drops $id and $schema and rewrites refs at any depth', () => {
    const out = toComponent(source, item) as Record<string, unknown>;
    expect(out).not.toHaveProperty('$id');
    expect(out).not.toHaveProperty('$schema');
    expect(out).toMatchObject({
      properties: { creditCode: { $ref: '#/components/schemas/defs.creditCode' } },
      allOf: [{ then: { $ref: '#/components/schemas/item.XX-001.v1/$defs/x' } }],
      $defs: { x: { required: ['code'] } },
    });
  });

  it('turns custom keywords into x-gw-check and a description, keeping look-alike data', () => {
    const out = toComponent(source, item) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(out.properties.period).toEqual({
      type: 'object',
      description: expect.stringMatching(
        /^Contract period\. Gateway check \(x-gw-check: orderedPeriod:past\): start is not after end/,
      ) as unknown,
      'x-gw-check': 'orderedPeriod:past',
    });
    expect(out.properties.code!['x-gw-check']).toEqual(['divisionCode', 'idNumber']);
    expect(out.properties.code).not.toHaveProperty('divisionCode');
    expect(out.properties.creditCode).toBeDefined();
    expect(out.properties.kind).toEqual({ enum: ['creditCode', 'idNumber'] });
  });

  it("turns an item's cross-field rules into x-gw-rules and one sentence per rule", () => {
    const rules = [
      { rule: 'sum-equals', total: '/payload/total', parts: '/payload/lines/*/amount' },
      { rule: 'within-region', region: '/payload/region', within: '/handlingRegion' },
    ];
    const out = toComponent(
      { type: 'object', description: 'An item.', crossFieldRules: rules },
      item,
    );
    expect(out).toEqual({
      type: 'object',
      description: expect.stringMatching(
        /^An item\. Gateway rule sum-equals \(.*\): the total equals the sum of the parts, added in whole fen\. Gateway rule within-region/,
      ) as unknown,
      'x-gw-rules': rules,
    });
  });

  it('leaves the source untouched', () => {
    const before = structuredClone(source);
    toComponent(source, item);
    expect(source).toEqual(before);
  });

  it('hoists every shared definition to its own component', () => {
    const defs = defsComponents({
      $defs: {
        date: { type: 'string', format: 'date' },
        period: { properties: { start: { $ref: '#/$defs/date' } }, orderedPeriod: true },
      },
    });
    expect(defs).toEqual({
      'defs.date': { type: 'string', format: 'date' },
      'defs.period': {
        properties: { start: { $ref: '#/components/schemas/defs.date' } },
        description: expect.stringContaining('x-gw-check: orderedPeriod') as unknown,
        'x-gw-check': 'orderedPeriod',
      },
    });
  });
});
