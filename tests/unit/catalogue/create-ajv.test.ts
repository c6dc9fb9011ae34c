// The URI resolver the gateway's ajv instances are given (create-ajv.ts) keeps the answers of
// relative-path references by directory; it must answer exactly as ajv's own (fast-uri) for every
// base and reference, the catalogue's and the awkward ones, whether the answer was kept or not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastUriModule from 'ajv/dist/runtime/uri.js';
import { describe, expect, it } from 'vitest';
import { rememberingUriResolver, SCHEMA_BASE } from '../../../gateway/catalogue/create-ajv.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';

const fastUri = fastUriModule.default;

/** Every $ref of every item schema file, with the $id it is resolved against. */
function catalogueReferences(): [string, string][] {
  const dir = projectPath('schemas', 'items');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.schema.json'))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/"\$ref": *"([^"]*)"/g)].map(
        (m): [string, string] => [`${SCHEMA_BASE}items/${file}`, m[1]!],
      ),
    );
}

const BASES = [
  `${SCHEMA_BASE}items/GA-001.schema.json`,
  `${SCHEMA_BASE}items/GA-001.v2.schema.json`,
  `${SCHEMA_BASE}envelope.schema.json`,
  'https://SWGW.example/schemas/items/x.json',
  'https://u@swgw.example:8443/a/%7Eb/c.json',
  'https://swgw.example',
  'https://swgw.example/',
  'https://swgw.example/a/b?q=1',
  'https://swgw.example/a/b#/frag/x',
  'https://swgw.example/a/b/',
  'https://swgw.example/a/./b/../c.json',
  'HTTPS://swgw.example/a/b.json',
  'urn:swgw:item',
  'file:///schemas/items/a.json',
  '',
];
const REFERENCES = [
  '../defs.schema.json#/$defs/date',
  'defs.schema.json#/$defs/personName',
  './a/../b.json',
  '../../../../x.json',
  '#/$defs/center',
  '#',
  '',
  '?q=2',
  '/abs.json',
  '//other.example/x.json',
  'https://other.example/x.json',
  'urn:a:b',
  'a:b',
  './a:b',
  '.',
  '..',
  'x.json?y#z',
  '%7E.json',
  'a',
  'a/b/../../../c.json',
  'a%2Fb.json',
  './#x',
  'x#',
  'x?',
];

describe('the URI resolver of the gateway ajv', () => {
  it('resolves every reference of the catalogue as fast-uri does, asked once or again', () => {
    const resolver = rememberingUriResolver();
    const pairs = catalogueReferences();
    expect(pairs.length).toBeGreaterThan(1000);
    for (const round of [1, 2])
      for (const [base, ref] of pairs)
        expect(resolver.resolve(base, ref), `${base} + ${ref} (${round})`).toBe(
          fastUri.resolve(base, ref),
        );
  });

  it('resolves awkward bases and references as fast-uri does, whatever was asked before', () => {
    const resolver = rememberingUriResolver();
    for (const round of [1, 2])
      for (const base of BASES)
        for (const ref of REFERENCES)
          expect(resolver.resolve(base, ref), `${base} + ${ref} (${round})`).toBe(
            fastUri.resolve(base, ref),
          );
  });
});
