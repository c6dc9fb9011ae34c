// Conditional annotations (schemas/README.md#personal-data): an x-personal inside a `then` or
// `else` branch holds only where its `if` does, so an enterprise's name stays readable while a
// person's is masked, and a changed value is masked by the kind its sibling names.
import { describe, expect, it } from 'vitest';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { branchTest } from '../../../gateway/personal-data/branch-test.ts';
import { maskPersonal } from '../../../gateway/personal-data/mask-personal.ts';
import { personalLocations } from '../../../gateway/personal-data/personal-locations.ts';
import { validExample } from '../../support/api-gateway.ts';
import { divisions } from '../catalogue/support.ts';

const registry = createSchemaRegistry({ divisions });
const personalOf = (code: string) => registry.compiledItem(code)!.personal;

describe('branch tests', () => {
  it.each([
    [{ const: 'person' }, 'person', true],
    [{ const: 'person' }, 'enterprise', false],
    [{ enum: ['a', 'b'] }, 'b', true],
    [{ type: 'string', maxLength: 20, pattern: '^[0-9]{17}' }, '51010419850315231X', true],
    [{ type: 'string', pattern: '^[0-9]{17}' }, '91510104MA6CXY120G', false],
    [{ properties: { type: { const: 'person' } }, required: ['type'] }, { type: 'person' }, true],
    [{ properties: { type: { const: 'person' } }, required: ['type'] }, {}, false],
    // JSON Schema: properties only test what is there.
    [{ properties: { type: { const: 'person' } } }, {}, true],
  ])('judges %j on %j as %s', (schema, value, holds) => {
    expect(branchTest(schema)!(value)).toBe(holds);
  });

  it('cannot judge other keywords, so their annotation always applies', () => {
    expect(branchTest({ minimum: 3 })).toBeUndefined();
    expect(branchTest({ properties: { a: { not: { const: 1 } } } })).toBeUndefined();
    const locations = personalLocations(
      { if: { minimum: 3 }, then: { 'x-personal': 'name' } },
      { defs: {} },
    );
    expect(locations).toEqual([{ pointer: '', tokens: [], kind: 'name' }]);
  });

  it('negates the test of an else branch', () => {
    const [location] = personalLocations(
      {
        properties: { t: { type: 'string' } },
        if: { properties: { t: { const: 'org' } } },
        else: { properties: { n: { 'x-personal': 'name' } } },
      },
      { defs: {} },
    );
    expect(location!.when![0]!.test({ t: 'org' })).toBe(false);
    expect(location!.when![0]!.test({ t: 'person' })).toBe(true);
  });
});

describe('masking by conditional annotations', () => {
  it("masks a person applicant's name and shows an enterprise's", () => {
    const person = validExample('GA-001');
    const enterprise = validExample('SJ-003');
    const maskedPerson = maskPersonal(person, personalOf('GA-001'));
    const maskedEnterprise = maskPersonal(enterprise, personalOf('SJ-003'));
    expect((maskedPerson.applicant as { name: string }).name).toMatch(/^\p{Script=Han}\*+$/u);
    const applicant = enterprise.applicant as Record<string, string>;
    expect(maskedEnterprise.applicant).toMatchObject({
      name: applicant.name,
      creditCode: applicant.creditCode,
      // Its contact person is a person.
      contactName: expect.stringMatching(/^\p{Script=Han}\*+$/u),
    });
  });

  it('masks a taxpayer id and name of a natural person, not those of an enterprise', () => {
    const body = validExample('SW-006');
    const payload = body.payload as Record<string, string>;
    const enterprise = maskPersonal(
      {
        ...body,
        payload: {
          ...payload,
          taxpayerId: '91510104MA6CXY120G',
          taxpayerName: '四川蜀道路桥建设有限公司',
        },
      },
      personalOf('SW-006'),
    ) as { payload: Record<string, string> };
    expect(enterprise.payload.taxpayerId).toBe('91510104MA6CXY120G');
    expect(enterprise.payload.taxpayerName).toBe('四川蜀道路桥建设有限公司');
    const person = maskPersonal(
      { ...body, payload: { ...payload, taxpayerId: '51010419850315231X', taxpayerName: '张三' } },
      personalOf('SW-006'),
    ) as { payload: Record<string, string> };
    expect(person.payload.taxpayerId).toBe('5101**********231X');
    expect(person.payload.taxpayerName).toBe('张*');
  });

  it('masks each changed value by the kind its field names, and leaves the others', () => {
    const body = validExample('YB-006');
    const changes = [
      { field: 'name', oldValue: '张三', newValue: '张珊' },
      { field: 'phone', oldValue: '13812345678', newValue: '13987654321' },
      { field: 'bank-account', newValue: '6222020200112233445' },
      { field: 'contribution-base', oldValue: '5000.00', newValue: '6000.00' },
    ];
    const masked = maskPersonal(
      { ...body, payload: { ...(body.payload as object), changes } },
      personalOf('YB-006'),
    ) as { payload: { changes: unknown[] } };
    expect(masked.payload.changes).toEqual([
      { field: 'name', oldValue: '张*', newValue: '张*' },
      { field: 'phone', oldValue: '138****5678', newValue: '139****4321' },
      { field: 'bank-account', newValue: '***************3445' },
      { field: 'contribution-base', oldValue: '5000.00', newValue: '6000.00' },
    ]);
  });
});
