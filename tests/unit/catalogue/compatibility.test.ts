// Golden tests of the compatibility rule table (schemas/README.md#compatibility): for each rule, a
// published schema, its next version and the exact changes reported, BACKWARD (the next schema
// must accept every submission the published one accepted). The three cases the operators'
// issue names come first; $ref cases resolve local and shared definitions.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkCompatibility } from '../../../gateway/catalogue/compatibility/check-compatibility.ts';
import type { CompatibilityChange } from '../../../gateway/catalogue/compatibility/compatibility-report.ts';
import { COMPATIBILITY_RULES } from '../../../gateway/catalogue/compatibility/compatibility-rules.ts';
import { sharedDefinitionsResolver } from '../../../gateway/catalogue/compatibility/schema-references.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

type Schema = Record<string, unknown>;

/** A closed object, as every item schema's objects are. */
const closed = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const text = (extra: Schema = {}): Schema => ({ type: 'string', maxLength: 20, ...extra });

// A stand-in for defs.schema.json: `period` refers to its sibling `date` locally, as the real one does.
const defs = {
  $defs: {
    date: { type: 'string', maxLength: 10, format: 'date' },
    code: { type: 'string', maxLength: 6, pattern: '^[0-9]{6}$' },
    period: closed({ start: { $ref: '#/$defs/date' }, end: { $ref: '#/$defs/date' } }, ['start']),
    wideCode: { type: 'string', maxLength: 12 },
  },
};
const resolveRef = sharedDefinitionsResolver(defs);
const shared = (name: string) => ({ $ref: `../defs.schema.json#/$defs/${name}` });

const change = (
  path: string,
  rule: string,
  breaking: boolean,
  detail: string,
): CompatibilityChange => ({
  path,
  rule,
  breaking,
  detail,
});

interface Golden {
  name: string;
  base: Schema;
  next: Schema;
  changes: CompatibilityChange[];
}

const GOLDEN: Golden[] = [
  {
    name: 'a new required field is breaking',
    base: closed({ a: text() }, ['a']),
    next: closed({ a: text(), b: text() }, ['a', 'b']),
    changes: [
      change('/payload/b', 'required-added', true, 'b is required now'),
      change('/payload/b', 'property-added', false, 'b is declared now'),
    ],
  },
  {
    name: 'a new optional field in a closed object is not breaking',
    base: closed({ a: text() }, ['a']),
    next: closed({ a: text(), b: text() }, ['a']),
    changes: [change('/payload/b', 'property-added', false, 'b is declared now')],
  },
  {
    name: 'narrowing an enum is breaking',
    base: closed({ kind: { type: 'string', enum: ['a', 'b', 'c'] } }),
    next: closed({ kind: { type: 'string', enum: ['a', 'b'] } }),
    changes: [change('/payload/kind', 'enum-narrowed', true, '"c" is no longer allowed')],
  },
  {
    name: 'widening an enum is not breaking',
    base: closed({ kind: { enum: ['a'] } }),
    next: closed({ kind: { enum: ['a', 'b'] } }),
    changes: [change('/payload/kind', 'enum-widened', false, 'now also allows "b"')],
  },
  {
    name: 'replacing a const narrows and widens',
    base: closed({ kind: { const: 'a' } }),
    next: closed({ kind: { const: 'b' } }),
    changes: [
      change('/payload/kind', 'enum-narrowed', true, '"a" is no longer allowed'),
      change('/payload/kind', 'enum-widened', false, 'now also allows "b"'),
    ],
  },
  {
    name: 'imposing an enum on a free field is breaking',
    base: closed({ kind: text() }),
    next: closed({ kind: text({ enum: ['a'] }) }),
    changes: [change('/payload/kind', 'enum-narrowed', true, 'only "a" allowed now')],
  },
  {
    name: 'lifting an enum is not breaking',
    base: closed({ kind: text({ enum: ['a'] }) }),
    next: closed({ kind: text() }),
    changes: [
      change('/payload/kind', 'enum-widened', false, 'any value is allowed now, not only "a"'),
    ],
  },
  {
    name: 'a type that admits every allowed value changes nothing',
    base: closed({ kind: { enum: ['a', 'b'] } }),
    next: closed({ kind: { type: 'string', enum: ['a', 'b'] } }),
    changes: [],
  },
  {
    name: 'a pattern an allowed value no longer matches is breaking',
    base: closed({ kind: { enum: ['ab', 'cd'] } }),
    next: closed({ kind: { enum: ['ab', 'cd'], pattern: '^a' } }),
    changes: [change('/payload/kind', 'pattern-added', true, '"cd" does not match ^a')],
  },
  {
    name: 'narrowing a type is breaking',
    base: closed({ n: { type: ['string', 'integer'], maxLength: 5 } }),
    next: closed({ n: { type: 'integer' } }),
    changes: [
      change('/payload/n', 'type-narrowed', true, 'string no longer accepted'),
      change('/payload/n', 'length-widened', false, 'maxLength 5 → none'),
    ],
  },
  {
    name: 'number to integer is breaking, integer to number is not',
    base: closed({ a: { type: 'number' }, b: { type: 'integer' } }),
    next: closed({ a: { type: 'integer' }, b: { type: 'number' } }),
    changes: [
      change('/payload/a', 'type-narrowed', true, 'number no longer accepted'),
      change('/payload/b', 'type-widened', false, 'number accepted now'),
    ],
  },
  {
    name: 'a field that accepts nothing is breaking',
    base: closed({ a: text() }),
    next: closed({ a: false }),
    changes: [change('/payload/a', 'type-narrowed', true, 'accepts no value now')],
  },
  {
    name: 'a changed pattern is breaking even when it looks wider',
    base: closed({ a: text({ pattern: '^[0-9]{6}$' }) }),
    next: closed({ a: text({ pattern: '^[0-9]{6,8}$' }) }),
    changes: [
      change('/payload/a', 'pattern-changed', true, 'pattern "^[0-9]{6}$" became "^[0-9]{6,8}$"'),
    ],
  },
  {
    name: 'an identical pattern is no change; adding one is breaking; removing one is not',
    base: closed({ same: text({ pattern: '^a' }), add: text(), drop: text({ pattern: '^b' }) }),
    next: closed({ same: text({ pattern: '^a' }), add: text({ pattern: '^c' }), drop: text() }),
    changes: [
      change('/payload/add', 'pattern-added', true, 'pattern "^c" imposed'),
      change('/payload/drop', 'pattern-removed', false, 'pattern "^b" lifted'),
    ],
  },
  {
    name: 'format added, changed and removed',
    base: closed({ a: text(), b: text({ format: 'date' }), c: text({ format: 'email' }) }),
    next: closed({ a: text({ format: 'date' }), b: text({ format: 'date-time' }), c: text() }),
    changes: [
      change('/payload/a', 'format-added', true, 'format "date" imposed'),
      change('/payload/b', 'format-changed', true, 'format "date" became "date-time"'),
      change('/payload/c', 'format-removed', false, 'format "email" lifted'),
    ],
  },
  {
    name: 'string lengths: raising minLength or lowering maxLength is breaking',
    base: closed({ a: text({ minLength: 1 }), b: text({ minLength: 3, maxLength: 10 }) }),
    next: closed({
      a: text({ minLength: 2, maxLength: 15 }),
      b: text({ minLength: 2, maxLength: 30 }),
    }),
    changes: [
      change('/payload/a', 'length-narrowed', true, 'minLength 1 → 2'),
      change('/payload/a', 'length-narrowed', true, 'maxLength 20 → 15'),
      change('/payload/b', 'length-widened', false, 'minLength 3 → 2'),
      change('/payload/b', 'length-widened', false, 'maxLength 10 → 30'),
    ],
  },
  {
    name: 'numeric ranges, inclusive and exclusive',
    base: closed({
      a: { type: 'integer', minimum: 0, maximum: 100 },
      b: { type: 'number', exclusiveMinimum: 0 },
      c: { type: 'number', minimum: 0 },
      d: { type: 'number', maximum: 10 },
    }),
    next: closed({
      a: { type: 'integer', minimum: 1, maximum: 200 },
      b: { type: 'number', minimum: 0 },
      c: { type: 'number', exclusiveMinimum: 0 },
      d: { type: 'number' },
    }),
    changes: [
      change('/payload/a', 'range-narrowed', true, '≥ 0 and ≤ 100 → ≥ 1 and ≤ 200'),
      change('/payload/a', 'range-widened', false, '≥ 0 and ≤ 100 → ≥ 1 and ≤ 200'),
      change('/payload/b', 'range-widened', false, '> 0 → ≥ 0'),
      change('/payload/c', 'range-narrowed', true, '≥ 0 → > 0'),
      change('/payload/d', 'range-widened', false, '≤ 10 → any number'),
    ],
  },
  {
    name: 'multipleOf: a step the old one is a multiple of is compatible',
    base: closed({
      a: { type: 'number', multipleOf: 0.5 },
      b: { type: 'integer', multipleOf: 10 },
    }),
    next: closed({ a: { type: 'number', multipleOf: 1 }, b: { type: 'integer', multipleOf: 5 } }),
    changes: [
      change('/payload/a', 'multiple-of-narrowed', true, 'multipleOf 0.5 → 1'),
      change('/payload/b', 'multiple-of-widened', false, 'multipleOf 10 → 5'),
    ],
  },
  {
    name: 'array item counts and uniqueness',
    base: closed({
      a: { type: 'array', maxItems: 5, items: text() },
      b: { type: 'array', minItems: 2, maxItems: 5, items: text() },
    }),
    next: closed({
      a: { type: 'array', minItems: 1, maxItems: 3, uniqueItems: true, items: text() },
      b: { type: 'array', minItems: 1, maxItems: 9, items: text() },
    }),
    changes: [
      change('/payload/a', 'item-count-narrowed', true, 'minItems none → 1'),
      change('/payload/a', 'item-count-narrowed', true, 'maxItems 5 → 3'),
      change('/payload/a', 'item-count-narrowed', true, 'uniqueItems false → true'),
      change('/payload/b', 'item-count-widened', false, 'minItems 2 → 1'),
      change('/payload/b', 'item-count-widened', false, 'maxItems 5 → 9'),
    ],
  },
  {
    name: 'array elements are followed at *',
    base: closed({
      lines: {
        type: 'array',
        maxItems: 5,
        items: closed({ amount: { type: 'number', maximum: 100 } }, ['amount']),
      },
    }),
    next: closed({
      lines: {
        type: 'array',
        maxItems: 5,
        items: closed({ amount: { type: 'number', maximum: 50 }, note: text() }, [
          'amount',
          'note',
        ]),
      },
    }),
    changes: [
      change('/payload/lines/*/note', 'required-added', true, 'note is required now'),
      change('/payload/lines/*/amount', 'range-narrowed', true, '≤ 100 → ≤ 50'),
      change('/payload/lines/*/note', 'property-added', false, 'note is declared now'),
    ],
  },
  {
    name: 'removing a property of a closed object is breaking',
    base: closed({ a: text(), b: text() }),
    next: closed({ a: text() }),
    changes: [change('/payload/b', 'property-removed', true, 'b is refused now')],
  },
  {
    name: 'removing a property of an open object is not breaking',
    base: { type: 'object', properties: { a: text(), b: text() } },
    next: { type: 'object', properties: { a: text() } },
    changes: [
      change(
        '/payload/b',
        'property-undeclared',
        false,
        'b is no longer declared; the object still accepts it',
      ),
      change('/payload/b', 'type-widened', false, 'any type now, was string'),
      change('/payload/b', 'length-widened', false, 'maxLength 20 → none'),
    ],
  },
  {
    name: 'a property declared in an open object is compared with what the object accepted there',
    base: { type: 'object', properties: {} },
    next: { type: 'object', properties: { a: text() } },
    changes: [
      change('/payload/a', 'property-added', false, 'a is declared now'),
      change('/payload/a', 'type-narrowed', true, 'only string now, was any type'),
      change('/payload/a', 'length-narrowed', true, 'maxLength none → 20'),
    ],
  },
  {
    name: 'required made optional is not breaking',
    base: closed({ a: text() }, ['a']),
    next: closed({ a: text() }),
    changes: [change('/payload/a', 'required-removed', false, 'a is optional now')],
  },
  {
    name: 'closing an object is breaking, opening one is not',
    base: { type: 'object', properties: { a: closed({}) }, additionalProperties: true },
    next: {
      type: 'object',
      properties: { a: { type: 'object', properties: {} } },
      additionalProperties: false,
    },
    changes: [
      change('/payload', 'object-closed', true, 'properties it does not name are refused now'),
      change('/payload/a', 'object-opened', false, 'properties it does not name are accepted now'),
    ],
  },
  {
    name: 'unevaluatedProperties: false closes an object as additionalProperties: false does',
    base: { type: 'object', properties: { a: text(), b: text() }, unevaluatedProperties: false },
    next: { type: 'object', properties: { a: text() }, unevaluatedProperties: false },
    changes: [change('/payload/b', 'property-removed', true, 'b is refused now')],
  },
  {
    name: 'the schema of undeclared properties is followed at *',
    base: { type: 'object', additionalProperties: text() },
    next: { type: 'object', additionalProperties: text({ maxLength: 5 }) },
    changes: [change('/payload/*', 'length-narrowed', true, 'maxLength 20 → 5')],
  },
  {
    name: 'property counts',
    base: { type: 'object', maxProperties: 5 },
    next: { type: 'object', minProperties: 1, maxProperties: 9 },
    changes: [
      change('/payload', 'property-count-narrowed', true, 'minProperties none → 1'),
      change('/payload', 'property-count-widened', false, 'maxProperties 5 → 9'),
    ],
  },
  {
    name: 'dependentRequired added and removed',
    base: { ...closed({ a: text(), b: text(), c: text() }), dependentRequired: { a: ['b'] } },
    next: { ...closed({ a: text(), b: text(), c: text() }), dependentRequired: { a: ['c'] } },
    changes: [
      change('/payload/a', 'dependency-added', true, 'a requires c now'),
      change('/payload/a', 'dependency-removed', false, 'a no longer requires b'),
    ],
  },
  {
    name: 'a changed property-name pattern is breaking',
    base: { type: 'object', patternProperties: { '^x-': text() }, additionalProperties: false },
    next: { type: 'object', patternProperties: { '^y-': text() }, additionalProperties: false },
    changes: [
      change('/payload', 'pattern-properties-changed', true, 'patternProperties ^x- → ^y-'),
    ],
  },
  {
    name: 'contains added and removed',
    base: closed({
      a: { type: 'array', maxItems: 3, items: text() },
      b: { type: 'array', maxItems: 3, items: text(), contains: { const: 'x' } },
    }),
    next: closed({
      a: { type: 'array', maxItems: 3, items: text(), contains: { const: 'x' } },
      b: { type: 'array', maxItems: 3, items: text() },
    }),
    changes: [
      change('/payload/a', 'contains-added', true, 'must contain a matching element now'),
      change('/payload/b', 'contains-removed', false, 'need no longer contain a matching element'),
    ],
  },
  {
    name: 'a new condition is breaking, a lifted one is not',
    base: {
      ...closed({ a: text(), b: text() }),
      allOf: [{ if: { required: ['a'] }, then: { required: ['b'] } }],
    },
    next: {
      ...closed({ a: text(), b: text() }),
      allOf: [{ if: { required: ['b'] }, then: { required: ['a'] } }],
    },
    changes: [
      change('/payload', 'conditional-added', true, 'if {"required":["b"]}'),
      change('/payload', 'conditional-removed', false, 'if {"required":["a"]}'),
    ],
  },
  {
    name: "a condition's branch is compared with the object's own declarations",
    base: {
      ...closed({ kind: { enum: ['x', 'y'] }, a: text(), b: text() }),
      if: { properties: { kind: { const: 'x' } } },
      then: { required: ['a'] },
    },
    next: {
      ...closed({ kind: { enum: ['x', 'y'] }, a: text(), b: text() }),
      if: { properties: { kind: { const: 'x' } } },
      then: { required: ['a', 'b'], properties: { b: { maxLength: 10 } } },
    },
    changes: [
      change(
        '/payload/b',
        'required-added',
        true,
        'b is required now (when {"properties":{"kind":{"const":"x"}}})',
      ),
      change(
        '/payload/b',
        'length-narrowed',
        true,
        'maxLength 20 → 10 (when {"properties":{"kind":{"const":"x"}}})',
      ),
    ],
  },
  {
    name: 'a change outside a condition is reported once, without it; an else branch says unless',
    base: {
      ...closed({ a: text(), b: text() }),
      if: { required: ['a'] },
      then: { required: ['b'] },
      else: {},
    },
    next: {
      ...closed({ a: text({ maxLength: 10 }), b: text() }),
      if: { required: ['a'] },
      then: { required: ['b'], properties: { a: { minLength: 2 } } },
      else: { required: ['b'] },
    },
    changes: [
      change('/payload/a', 'length-narrowed', true, 'maxLength 20 → 10'),
      change('/payload/a', 'length-narrowed', true, 'minLength none → 2 (when {"required":["a"]})'),
      change('/payload/b', 'required-added', true, 'b is required now (unless {"required":["a"]})'),
    ],
  },
  {
    name: 'anyOf gaining an alternative is not breaking; losing one is',
    base: {
      ...closed({ a: text(), b: text(), c: text() }),
      anyOf: [{ required: ['a'] }, { required: ['b'] }],
    },
    next: {
      ...closed({ a: text(), b: text(), c: text() }),
      anyOf: [{ required: ['a'] }, { required: ['b'] }, { required: ['c'] }],
    },
    changes: [change('/payload', 'alternatives-widened', false, 'anyOf gains alternatives')],
  },
  {
    name: 'anyOf losing an alternative and any oneOf change are breaking',
    base: {
      ...closed({ a: text(), b: text() }),
      anyOf: [{ required: ['a'] }, { required: ['b'] }],
      oneOf: [{ required: ['a'] }],
    },
    next: {
      ...closed({ a: text(), b: text() }),
      anyOf: [{ required: ['a'] }],
      oneOf: [{ required: ['a'] }, { required: ['b'] }],
    },
    changes: [
      change('/payload', 'alternatives-narrowed', true, 'anyOf [{"required":["a"]}] imposed'),
      change(
        '/payload',
        'alternatives-widened',
        false,
        'anyOf [{"required":["a"]},{"required":["b"]}] lifted',
      ),
      change(
        '/payload',
        'alternatives-narrowed',
        true,
        'oneOf [{"required":["a"]},{"required":["b"]}] imposed',
      ),
      change('/payload', 'alternatives-widened', false, 'oneOf [{"required":["a"]}] lifted'),
    ],
  },
  {
    name: 'not imposed and lifted',
    base: closed({ a: text({ not: { const: 'x' } }), b: text() }),
    next: closed({ a: text(), b: text({ not: { const: 'y' } }) }),
    changes: [
      change('/payload/a', 'negation-removed', false, 'not {"const":"x"}'),
      change('/payload/b', 'negation-added', true, 'not {"const":"y"}'),
    ],
  },
  {
    name: 'division tables: none < national < member',
    base: closed({
      a: { ...shared('code'), divisionCode: 'national' },
      b: { ...shared('code'), divisionCode: 'member' },
      c: shared('code'),
    }),
    next: closed({
      a: { ...shared('code'), divisionCode: 'member' },
      b: { ...shared('code'), divisionCode: 'national' },
      c: { ...shared('code'), taxAuthorityCode: 'national' },
    }),
    changes: [
      change('/payload/a', 'division-table-narrowed', true, 'divisionCode table national → member'),
      change('/payload/b', 'division-table-widened', false, 'divisionCode table member → national'),
      change(
        '/payload/c',
        'division-table-narrowed',
        true,
        'taxAuthorityCode table none → national',
      ),
    ],
  },
  {
    name: 'identifier checks imposed and lifted',
    base: closed({ a: text(), b: text({ idNumber: true }) }),
    next: closed({ a: text({ creditCode: true }), b: text() }),
    changes: [
      change('/payload/a', 'identifier-check-added', true, 'creditCode check imposed'),
      change('/payload/b', 'identifier-check-removed', false, 'idNumber check lifted'),
    ],
  },
  {
    name: 'orderedPeriod: no check < ordered < ordered and past',
    base: closed({ p: shared('period'), q: { ...shared('period'), orderedPeriod: 'past' } }),
    next: closed({
      p: { ...shared('period'), orderedPeriod: 'past' },
      q: { ...shared('period'), orderedPeriod: true },
    }),
    changes: [
      change(
        '/payload/p',
        'ordered-period-narrowed',
        true,
        'orderedPeriod no check → ordered and past',
      ),
      change(
        '/payload/q',
        'ordered-period-widened',
        false,
        'orderedPeriod ordered and past → ordered',
      ),
    ],
  },
  {
    name: 'cross-field rules added and removed',
    base: {
      ...closed({ a: text(), b: text() }),
      crossFieldRules: [{ rule: 'same-value', left: '/a', right: '/b' }],
    },
    next: {
      ...closed({ a: text(), b: text() }),
      crossFieldRules: [{ rule: 'same-value', left: '/a', right: '/c' }],
    },
    changes: [
      change(
        '/payload',
        'cross-field-rule-added',
        true,
        'rule same-value {"left":"/a","right":"/c"}',
      ),
      change(
        '/payload',
        'cross-field-rule-removed',
        false,
        'rule same-value {"left":"/a","right":"/b"}',
      ),
    ],
  },
  {
    name: 'x-personal is an annotation, not a narrowing',
    base: closed({ a: text() }),
    next: closed({ a: text({ 'x-personal': 'name' }) }),
    changes: [change('/payload/a', 'personal-annotation-changed', false, 'x-personal none → name')],
  },
  {
    name: 'titles, descriptions and examples are not compared',
    base: closed({ a: text({ title: '甲' }) }),
    next: closed({ a: text({ title: '乙', description: 'now described', examples: ['x'] }) }),
    changes: [],
  },
  {
    name: 'a keyword the check does not know is breaking when it differs',
    base: closed({ a: text() }),
    next: closed({ a: text({ contentMediaType: 'text/plain' }) }),
    changes: [
      change('/payload/a', 'keyword-changed', true, 'contentMediaType none → "text/plain"'),
    ],
  },
  {
    name: 'maxJsonLength lowered is breaking',
    base: closed({ d: { type: 'object', maxJsonLength: 4096 } }),
    next: closed({ d: { type: 'object', maxJsonLength: 1024 } }),
    changes: [change('/payload/d', 'length-narrowed', true, 'maxJsonLength 4096 → 1024')],
  },
  {
    name: '$ref: a shared definition swapped for a narrower one is compared through the reference',
    base: closed({ region: { title: '地区', ...shared('wideCode') } }),
    next: closed({ region: { title: '地区', ...shared('code') } }),
    changes: [
      change('/payload/region', 'pattern-added', true, 'pattern "^[0-9]{6}$" imposed'),
      change('/payload/region', 'length-narrowed', true, 'maxLength 12 → 6'),
    ],
  },
  {
    name: "$ref: a shared definition's local references resolve in the shared document",
    base: closed({ p: shared('period') }),
    next: closed({ p: { ...shared('period'), properties: { end: { maxLength: 8 } } } }),
    changes: [change('/payload/p/end', 'length-narrowed', true, 'maxLength 10 → 8')],
  },
  {
    name: '$ref: local definitions of the item schema, inlined in the next version, are no change',
    base: {
      $defs: { line: closed({ amount: { type: 'number' } }, ['amount']) },
      ...closed({ lines: { type: 'array', maxItems: 5, items: { $ref: '#/$defs/line' } } }),
    },
    next: closed({
      lines: {
        type: 'array',
        maxItems: 5,
        items: closed({ amount: { type: 'number' } }, ['amount']),
      },
    }),
    changes: [],
  },
  {
    name: '$ref: a reference beside a sibling narrowing is a conjunction',
    base: closed({ d: shared('date') }),
    next: closed({ d: { ...shared('date'), pattern: '^20' } }),
    changes: [change('/payload/d', 'pattern-added', true, 'pattern "^20" imposed')],
  },
  {
    name: '$ref: an unresolvable reference is reported, not thrown',
    base: closed({ a: text() }),
    next: closed({ a: { $ref: '../defs.schema.json#/$defs/missing' } }),
    changes: [
      change('/payload/a', 'ref-unresolved', true, 'draft: ../defs.schema.json#/$defs/missing'),
      change('/payload/a', 'type-widened', false, 'any type now, was string'),
      change('/payload/a', 'length-widened', false, 'maxLength 20 → none'),
    ],
  },
  {
    name: '$ref: a self-referencing schema stops at the depth limit',
    base: {
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      $ref: '#/$defs/node',
    },
    next: {
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      $ref: '#/$defs/node',
    },
    changes: [
      change(
        `/payload${'/child'.repeat(33)}`,
        'comparison-too-deep',
        true,
        'not compared below depth 32',
      ),
    ],
  },
];

describe('checkCompatibility (BACKWARD)', () => {
  it.each(GOLDEN)('$name', ({ base, next, changes }) => {
    const report = checkCompatibility(base, next, { resolveRef });
    expect(report.changes).toEqual(changes);
    expect(report).toMatchObject({ mode: 'BACKWARD', breaking: changes.some((c) => c.breaking) });
  });

  it('every rule of the table is exercised by a golden case', () => {
    const used = new Set(GOLDEN.flatMap((g) => g.changes.map((c) => c.rule)));
    expect(COMPATIBILITY_RULES.map((r) => r.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it('reports a breaking change as breaking by the table, and every reported rule is in it', () => {
    const table = new Map(COMPATIBILITY_RULES.map((r) => [r.id, r.breaking]));
    for (const c of GOLDEN.flatMap((g) => g.changes)) expect(c.breaking).toBe(table.get(c.rule));
  });

  it('escapes / and ~ in property names of the path (RFC 6901)', () => {
    const report = checkCompatibility(closed({ 'a/b~c': text() }), closed({}), { resolveRef });
    expect(report.changes.map((c) => c.path)).toEqual(['/payload/a~1b~0c']);
  });

  it('finds no change between every published item schema and a copy of itself', () => {
    const dir = projectPath('schemas');
    const realResolver = sharedDefinitionsResolver(
      JSON.parse(readFileSync(join(dir, 'defs.schema.json'), 'utf8')),
    );
    const files = readdirSync(join(dir, 'items')).filter((f) => f.endsWith('.schema.json'));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const schema = JSON.parse(readFileSync(join(dir, 'items', file), 'utf8')) as object;
      const report = checkCompatibility(schema, structuredClone(schema), {
        resolveRef: realResolver,
      });
      expect({ file, changes: report.changes }).toEqual({ file, changes: [] });
    }
  });
});
