// Personal locations (gateway/personal-data/personal-locations.ts) are derived from x-personal
// annotations when an item version compiles: through $refs, branches, arrays and maps, never by
// field name.
import { describe, expect, it } from 'vitest';
import {
  personalLocations,
  submissionLocations,
} from '../../../gateway/personal-data/personal-locations.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { divisions } from '../catalogue/support.ts';

const defs = {
  $defs: {
    personName: { type: 'string', 'x-personal': 'name' },
    idNumber: { type: 'string', 'x-personal': 'id-number' },
    person: {
      type: 'object',
      properties: { name: { $ref: '#/$defs/personName' }, idNumber: { $ref: '#/$defs/idNumber' } },
    },
  },
};
const ref = (name: string) => ({ $ref: `../defs.schema.json#/$defs/${name}` });
const pointers = (schema: Record<string, unknown>) =>
  personalLocations(schema, { defs }).map((l) => `${l.pointer} ${l.kind}`);

describe('personal locations', () => {
  it('follows $refs into the shared definitions, through nested definitions', () => {
    expect(pointers({ properties: { holder: ref('person'), plain: { type: 'string' } } })).toEqual([
      '/holder/name name',
      '/holder/idNumber id-number',
    ]);
  });

  it('names every array element and every extra property with *', () => {
    expect(
      pointers({
        properties: {
          children: { type: 'array', items: ref('person') },
          byRole: { type: 'object', additionalProperties: ref('personName') },
          byPattern: { type: 'object', patternProperties: { '^r': ref('idNumber') } },
        },
      }),
    ).toEqual([
      '/children/*/name name',
      '/children/*/idNumber id-number',
      '/byRole/* name',
      '/byPattern/* id-number',
    ]);
  });

  it('unions oneOf, anyOf, allOf and if/then/else branches, and local $defs', () => {
    expect(
      pointers({
        properties: { a: { type: 'string' }, b: { $ref: '#/$defs/contact' } },
        oneOf: [{ properties: { c: { 'x-personal': 'phone' } } }],
        allOf: [
          {
            if: { properties: { a: { const: 'x' } } },
            then: { properties: { a: { 'x-personal': 'address' } } },
            else: { properties: { d: { 'x-personal': 'email' } } },
          },
        ],
        $defs: { contact: { anyOf: [{ properties: { tel: { 'x-personal': 'phone' } } }] } },
      }),
    ).toEqual(['/a address', '/b/tel phone', '/d email', '/c phone']);
  });

  it('prefers the field its own annotation over its definition, and stops beneath it', () => {
    expect(
      pointers({
        properties: {
          value: { ...ref('idNumber'), 'x-personal': 'name' },
          whole: { type: 'object', 'x-personal': 'name', properties: { inner: ref('idNumber') } },
        },
      }),
    ).toEqual(['/value name', '/whole name']);
  });

  it('unrolls a recursive schema as deep as a body may nest, and ends', () => {
    const tree = {
      $defs: {
        node: {
          properties: { name: ref('personName'), kids: { items: { $ref: '#/$defs/node' } } },
        },
      },
      $ref: '#/$defs/node',
    };
    const found = pointers(tree);
    expect(found.slice(0, 3)).toEqual([
      '/name name',
      '/kids/*/name name',
      '/kids/*/kids/*/name name',
    ]);
    // Unrolled as deep as a request body may nest (32 levels), no further.
    expect(found.length).toBe(16);
  });

  it('escapes property names as JSON pointers do', () => {
    expect(pointers({ properties: { 'a/b': ref('personName') } })).toEqual(['/a~1b name']);
  });

  it('puts the payload locations of a submission under /payload, after the envelope', () => {
    const envelope = { properties: { applicant: ref('person'), payload: { type: 'object' } } };
    const payload = { properties: { spouse: ref('person') } };
    const envelopeLocations = personalLocations(envelope, { defs });
    expect(submissionLocations(envelopeLocations, payload, { defs }).map((l) => l.pointer)).toEqual(
      [
        '/applicant/name',
        '/applicant/idNumber',
        '/payload/spouse/name',
        '/payload/spouse/idNumber',
      ],
    );
  });
});

describe('the compiled catalogue', () => {
  const registry = createSchemaRegistry({ divisions });
  const locationsOf = (code: string) => registry.compiledItem(code)!.personal;
  const kindsAt = (code: string, pointer: string) =>
    locationsOf(code)
      .filter((l) => l.pointer === pointer)
      .map((l) => `${l.kind}${l.when ? ' when' : ''}`);

  it("masks every item's applicant by the envelope annotations, the name only for a person", () => {
    for (const item of registry.items()) {
      expect(kindsAt(item.code, '/applicant/name'), item.code).toEqual(['name when']);
      expect(kindsAt(item.code, '/applicant/idNumber'), item.code).toEqual(['id-number']);
      expect(kindsAt(item.code, '/applicant/phone'), item.code).toEqual(['phone']);
      expect(kindsAt(item.code, '/applicant/contactName'), item.code).toEqual(['name']);
      expect(kindsAt(item.code, '/applicant/contactIdNumber'), item.code).toEqual(['id-number']);
    }
  });

  it.each([
    ['JT-002', '/payload/drivingLicence/licenceNo', ['id-number']],
    ['SW-006', '/payload/taxpayerId', ['id-number when']],
    ['SW-006', '/payload/taxpayerName', ['name when']],
    ['GA-001', '/payload/delivery/recipient', ['name']],
    ['HJ-001', '/payload/contact/name', ['name']],
    ['SW-005', '/payload/bank/accountName', ['name when']],
    ['YB-008', '/payload/paymentAccount/accountName', ['name']],
    ['MZ-001', '/payload/husband/residencePermitNo', ['document-number']],
    [
      'YB-006',
      '/payload/changes/*/newValue',
      ['name when', 'id-number when', 'phone when', 'address when', 'bank-account when'],
    ],
    ['CL-001', '/payload/certificate/certificateNo', ['id-number']],
    ['GJ-001', '/payload/fundAccountNo', ['bank-account']],
    ['GA-001', '/payload/residence/address', ['address']],
    ['HJ-001', '/payload/contact/email', ['email']],
    ['ZR-001', '/payload/mortgagors/*/name', ['name when']],
  ])('has %s %s as %j', (code, pointer, kinds) => {
    expect(kindsAt(code, pointer)).toEqual(kinds);
  });

  it('finds a legal representative (a person) wherever an item names one', () => {
    const found = registry
      .items()
      .flatMap((item) => locationsOf(item.code))
      .filter((l) => l.pointer.includes('legalRepresentative'));
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((l) => l.kind))).toEqual(new Set(['name', 'id-number', 'phone']));
  });
});
