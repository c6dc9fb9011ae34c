import { describe, expect, it } from 'vitest';
import {
  escapeToken,
  evaluatePointer,
  parsePointer,
  unescapeToken,
} from '../../../gateway/shared/json-pointer.ts';
import { refTarget, schemaAt } from '../../../gateway/shared/schema-ref.ts';

describe('JSON pointer tokens (RFC 6901)', () => {
  it('escapes ~ before / so that a name round-trips, and unescapes ~1 before ~0', () => {
    expect(escapeToken('a/b~c')).toBe('a~1b~0c');
    expect(unescapeToken('a~1b~0c')).toBe('a/b~c');
    // "~01" is the token "~1", not "/": the order RFC 6901 §4 requires.
    expect(unescapeToken('~01')).toBe('~1');
    for (const name of ['~1', '/~0', '', 'plain', '~~//']) {
      expect(unescapeToken(escapeToken(name))).toBe(name);
    }
  });

  it('parses a pointer into unescaped tokens and refuses what is not a pointer', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/payload/lines/*/a~1b')).toEqual(['payload', 'lines', '*', 'a/b']);
    expect(parsePointer('payload')).toBeUndefined();
    expect(parsePointer('/a~2')).toBeUndefined();
    expect(parsePointer('/a~')).toBeUndefined();
  });
});

describe('evaluatePointer: a $ref fragment in a document', () => {
  const doc = {
    $defs: { 'a/b': { type: 'string' }, 'per cent': { type: 'integer' } },
    allOf: [{ type: 'object' }],
  };

  it('follows own members, array indices and percent-encoded, escaped tokens', () => {
    expect(evaluatePointer(doc, '')).toBe(doc);
    expect(evaluatePointer(doc, '/$defs/a~1b')).toEqual({ type: 'string' });
    expect(evaluatePointer(doc, '/$defs/per%20cent')).toEqual({ type: 'integer' });
    expect(evaluatePointer(doc, '/allOf/0')).toEqual({ type: 'object' });
  });

  it('names nothing for inherited members, non-index array tokens, bad encodings and non-pointers', () => {
    expect(evaluatePointer(doc, '/__proto__')).toBeUndefined();
    expect(evaluatePointer(doc, '/constructor')).toBeUndefined();
    expect(evaluatePointer(doc, '/allOf/length')).toBeUndefined();
    expect(evaluatePointer(doc, '/allOf/01')).toBeUndefined();
    expect(evaluatePointer(doc, '/$defs/%E0%A4%A')).toBeUndefined();
    expect(evaluatePointer(doc, '$defs')).toBeUndefined();
  });
});

describe("refTarget and schemaAt: where a catalogue schema's $ref leads", () => {
  it('tells a local reference from one into the shared definitions, and refuses other documents', () => {
    expect(refTarget('#/$defs/payment')).toEqual({ document: 'local', fragment: '/$defs/payment' });
    expect(refTarget('../defs.schema.json#/$defs/date')).toEqual({
      document: 'shared',
      fragment: '/$defs/date',
    });
    expect(refTarget('https://swgw.example/schemas/defs.schema.json#/$defs/date')?.document).toBe(
      'shared',
    );
    expect(refTarget('defs.schema.json')).toEqual({ document: 'shared', fragment: '' });
    expect(refTarget('xdefs.schema.json#/$defs/date')).toBeUndefined();
    expect(refTarget('other.schema.json#/$defs/date')).toBeUndefined();
  });

  it('answers only schema objects', () => {
    const doc = { $defs: { s: { type: 'string' }, list: [1], n: 3 } };
    expect(schemaAt(doc, '/$defs/s')).toEqual({ type: 'string' });
    expect(schemaAt(doc, '/$defs/list')).toBeUndefined();
    expect(schemaAt(doc, '/$defs/n')).toBeUndefined();
    expect(schemaAt(doc, '/__proto__')).toBeUndefined();
  });
});
