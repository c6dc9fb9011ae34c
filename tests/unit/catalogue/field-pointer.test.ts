// selectValues (gateway/catalogue/rules/field-pointer.ts): what the cross-field rules are given for
// a pointer, including the concrete pointer a problem reports (spelt out only when read).
import { describe, expect, it } from 'vitest';
import { selectValues } from '../../../gateway/catalogue/rules/field-pointer.ts';
import { parsePointer } from '../../../gateway/shared/json-pointer.ts';

const select = (data: unknown, pointer: string) => selectValues(data, parsePointer(pointer)!);
const summary = (data: unknown, pointer: string) =>
  select(data, pointer).map((v) => ({ path: v.path, value: v.value, tokens: [...v.tokens] }));

describe('selectValues', () => {
  const envelope = {
    payload: {
      total: '3.00',
      lines: [{ amount: '1.00' }, { note: 'no amount' }, { amount: '2.00' }],
      relatives: [
        { documents: [{ no: 'a' }, { no: 'b' }] },
        { documents: [] },
        { documents: [{ no: 'c' }] },
      ],
      'a/b~c': { 'x~y': 'escaped' },
    },
  };

  it('names each element a * reaches by its index, skipping elements without the field', () => {
    expect(summary(envelope, '/payload/lines/*/amount')).toEqual([
      {
        path: '/payload/lines/0/amount',
        value: '1.00',
        tokens: ['payload', 'lines', '0', 'amount'],
      },
      {
        path: '/payload/lines/2/amount',
        value: '2.00',
        tokens: ['payload', 'lines', '2', 'amount'],
      },
    ]);
  });

  it('lists values under nested * in document order, each with both indices', () => {
    expect(summary(envelope, '/payload/relatives/*/documents/*/no')).toEqual([
      {
        path: '/payload/relatives/0/documents/0/no',
        value: 'a',
        tokens: ['payload', 'relatives', '0', 'documents', '0', 'no'],
      },
      {
        path: '/payload/relatives/0/documents/1/no',
        value: 'b',
        tokens: ['payload', 'relatives', '0', 'documents', '1', 'no'],
      },
      {
        path: '/payload/relatives/2/documents/0/no',
        value: 'c',
        tokens: ['payload', 'relatives', '2', 'documents', '0', 'no'],
      },
    ]);
  });

  it("keeps the parameter's own tokens (with *) as the pattern of every value", () => {
    const pattern = parsePointer('/payload/lines/*/amount')!;
    for (const found of selectValues(envelope, pattern)) expect(found.pattern).toEqual(pattern);
  });

  it('reads an array element by index and a field without *', () => {
    expect(summary(envelope, '/payload/lines/2/amount')).toEqual([
      {
        path: '/payload/lines/2/amount',
        value: '2.00',
        tokens: ['payload', 'lines', '2', 'amount'],
      },
    ]);
    expect(summary(envelope, '/payload/total')).toEqual([
      { path: '/payload/total', value: '3.00', tokens: ['payload', 'total'] },
    ]);
  });

  it('escapes ~ and / in the pointer it reports (RFC 6901)', () => {
    expect(select(envelope, '/payload/a~1b~0c/x~0y').map((v) => [v.path, v.value])).toEqual([
      ['/payload/a~1b~0c/x~0y', 'escaped'],
    ]);
  });

  it('returns nothing for an absent field, an index out of range or * on a non-array', () => {
    expect(select(envelope, '/payload/missing')).toEqual([]);
    expect(select(envelope, '/payload/lines/3/amount')).toEqual([]);
    expect(select(envelope, '/payload/lines/01/amount')).toEqual([]);
    expect(select(envelope, '/payload/total/*')).toEqual([]);
    expect(select(envelope, '/payload/lines/length')).toEqual([]);
    expect(select({ payload: { toString: undefined } }, '/payload/valueOf')).toEqual([]);
  });
});
