// JSON equality for ajv's uniqueItems, enum and const (gateway/shared/json-equal.ts): structure
// and own members only, as JSON Schema defines it, whatever member names a parsed body brings.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from '../../../gateway/shared/json-equal.ts';
import { SharedMetaAjv } from '../../../gateway/shared/shared-meta-ajv.ts';

const parsed = (text: string): unknown => JSON.parse(text);

describe('jsonEqual', () => {
  it('compares parsed objects with their own valueOf, toString or constructor by their members, never calling them', () => {
    for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(jsonEqual(parsed(`{"${name}":0}`), parsed(`{"${name}":0}`))).toBe(true);
      expect(jsonEqual(parsed(`{"${name}":0}`), parsed(`{"${name}":1}`))).toBe(false);
      expect(jsonEqual(parsed('{}'), parsed(`{"${name}":0}`))).toBe(false);
      expect(jsonEqual(parsed(`{"${name}":0}`), parsed('{}'))).toBe(false);
    }
  });

  it('counts key order as no difference, and 0 and -0 as one number, as JSON Schema does', () => {
    expect(
      jsonEqual(parsed('{"a":1,"b":[1,{"c":null}]}'), parsed('{"b":[1,{"c":null}],"a":1}')),
    ).toBe(true);
    expect(jsonEqual(parsed('-0'), parsed('0'))).toBe(true);
    expect(jsonEqual(parsed('[-0]'), parsed('[0]'))).toBe(true);
  });

  it('tells apart an array from an object with index members, a missing member from null, and different lengths', () => {
    expect(jsonEqual(parsed('["a"]'), parsed('{"0":"a"}'))).toBe(false);
    expect(jsonEqual(parsed('{"0":"a"}'), parsed('["a"]'))).toBe(false);
    expect(jsonEqual(parsed('{"a":null}'), parsed('{"b":null}'))).toBe(false);
    expect(jsonEqual(parsed('[1,2]'), parsed('[1,2,3]'))).toBe(false);
    expect(jsonEqual(parsed('"1"'), parsed('1'))).toBe(false);
    expect(jsonEqual(null, parsed('{}'))).toBe(false);
  });
});

describe('every ajv made by SharedMetaAjv compares with it', () => {
  const schema = {
    type: 'array',
    uniqueItems: true,
    items: { $ref: '#/$defs/code' },
    $defs: { code: { enum: ['a', 'b', { valueOf: 'x' }] } },
  };

  it('answers uniqueItems and enum on objects with their own valueOf with errors, not a TypeError', () => {
    const validate = new SharedMetaAjv({ allErrors: true }).compile(schema);
    expect(validate(parsed('[{},{"valueOf":0}]'))).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toContain('enum');
    expect(validate(parsed('[{"valueOf":"x"},{"valueOf":"x"}]'))).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toEqual(['uniqueItems']);
    expect(validate(parsed('["a",{"valueOf":"x"}]'))).toBe(true);
  });

  it('is installed in the ajv runtime a bare Ajv2020 uses too (the process has one)', () => {
    new SharedMetaAjv();
    const validate = new Ajv2020({ allErrors: true }).compile({ const: { toString: 1 } });
    expect(validate(parsed('{"toString":1}'))).toBe(true);
    expect(validate(parsed('{"toString":2}'))).toBe(false);
  });
});
