// The registry compiles at start, refuses a catalogue with any bad schema, and validates a
// submission in the fixed stage order of gateway/README.md#validation-order, cross-field rules last.
// Built over SW-005 (the flagship item, schemas/README.md#remote-tax-payment) so these tests do not
// depend on the rest of the catalogue.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { DEFS_ID } from '../../../gateway/catalogue/create-ajv.ts';
import { createSchemaRegistry } from '../../../gateway/catalogue/schema-registry.ts';
import { withIdCheck } from './standard-check-chars.ts';
import { divisions, rejectionOf } from './support.ts';

const sw005 = loadCatalogue().find((item) => item.code === 'SW-005')!;
const registry = createSchemaRegistry({ divisions, items: [sw005] });

type Envelope = Record<string, unknown> & {
  applicant: Record<string, unknown>;
  payload: Record<string, unknown> & { lines: Record<string, unknown>[] };
};

/** A fresh, mutable copy of SW-005's first valid example. */
function validEnvelope(): Envelope {
  return structuredClone(registry.examplesFor('SW-005')!.valid[0]) as Envelope;
}

describe('SchemaRegistry', () => {
  it('compiles at start and records the time taken and the counts', () => {
    expect(registry.compileMs).toBeGreaterThan(0);
    expect(registry.counts).toEqual({
      items: 1,
      versions: 1,
      departments: 1,
      national: 1,
      regional: 0,
    });
  });

  it('serves the item, its compiled validator, schema and examples', () => {
    expect(registry.item('SW-005')).toBe(sw005);
    expect(registry.item('SW-005', 1)).toBe(sw005);
    expect(registry.items()).toEqual([sw005]);
    expect(registry.validatorFor('SW-005')).toBe(registry.validatorFor('SW-005', 1));
    expect(registry.schemaFor('SW-005')).toMatchObject({ title: '异地电子缴税' });
    expect(registry.examplesFor('SW-005')!.invalid.length).toBeGreaterThan(0);
    expect(registry.envelopeValidator()(validEnvelope())).toBe(true);
  });

  it('knows nothing of an unpublished code or version', () => {
    expect(registry.item('SW-999')).toBeUndefined();
    expect(registry.item('SW-005', 2)).toBeUndefined();
    expect(registry.validatorFor('SW-999')).toBeUndefined();
    expect(registry.examplesFor('SW-999')).toBeUndefined();
  });
});

describe('validateSubmission', () => {
  it('accepts the valid example and returns its item and the envelope', () => {
    const body = validEnvelope();
    const result = registry.validateSubmission(body);
    expect(result.item).toBe(sw005);
    expect(result.envelope).toBe(body);
  });

  it('takes the latest published version when itemVersion is omitted', () => {
    const body = validEnvelope();
    delete body.itemVersion;
    expect(registry.validateSubmission(body).item.version).toBe(1);
  });

  it('reports only the envelope stage when the shape and a credit code are both wrong', () => {
    const body = validEnvelope();
    body.mode = 'by-post';
    body.applicant.creditCode = '91350200MA2YJ1XR9H';
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({ stage: 'envelope', code: 'GW_VALIDATION_FAILED', status: 422 });
    expect(error.errors.map((p) => p.path)).toEqual(['/mode']);
  });

  it('reports the identifier stage at /applicant/creditCode for a bad check character', () => {
    const body = validEnvelope();
    body.applicant.creditCode = '91350200MA2YJ1XR9H';
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({
      stage: 'identifiers',
      code: 'GW_IDENTIFIER_INVALID',
      status: 422,
    });
    expect(error.errors).toEqual([
      {
        path: '/applicant/creditCode',
        message: 'check character should be G (position 18)',
        messageZh: '统一社会信用代码第18位校验位错误,应为 G',
        keyword: 'creditCode',
      },
    ]);
  });

  it('reports every identifier problem of the envelope together', () => {
    const body = validEnvelope();
    body.applicant.creditCode = '91350200MA2YJ1XR9H';
    body.applicant.contactIdNumber = '110105209901010014';
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error.stage).toBe('identifiers');
    expect(error.errors.map((p) => [p.path, p.keyword])).toEqual([
      ['/applicant/creditCode', 'creditCode'],
      ['/applicant/contactIdNumber', 'idNumber'],
    ]);
  });

  it('refuses an unknown item with 404 GW_ITEM_NOT_FOUND at /itemCode', () => {
    const body = { ...validEnvelope(), itemCode: 'SW-999' };
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({ stage: 'item', code: 'GW_ITEM_NOT_FOUND', status: 404 });
    expect(error.errors).toMatchObject([{ path: '/itemCode' }]);
  });

  it('refuses an unpublished version with 422 GW_ITEM_VERSION_NOT_FOUND at /itemVersion', () => {
    const body = { ...validEnvelope(), itemVersion: 7 };
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({ code: 'GW_ITEM_VERSION_NOT_FOUND', status: 422 });
    expect(error.errors).toMatchObject([{ path: '/itemVersion' }]);
    expect(error.errors[0]!.messageZh).toContain('第 7 版');
  });

  it('reports every payload problem together, prefixed /payload, with Chinese messages', () => {
    const body = validEnvelope();
    body.payload.lines[0]!.amount = '38400.005';
    body.payload.taxAuthorityCode = '19999990000';
    body.payload.surprise = 'x';
    delete body.payload.totalAmount;
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({ stage: 'payload', code: 'GW_PAYLOAD_INVALID', status: 422 });
    expect(error.errors.map((p) => [p.path, p.keyword]).sort()).toEqual([
      ['/payload/lines/0/amount', 'pattern'],
      ['/payload/surprise', 'additionalProperties'],
      ['/payload/taxAuthorityCode', 'taxAuthorityCode'],
      ['/payload/totalAmount', 'required'],
    ]);
    for (const problem of error.errors) expect(problem.messageZh).toMatch(/[\u4e00-\u9fa5]/u);
  });

  it("reports an applicant type that does not match the item's subject at /applicant/type", () => {
    const personOnly = createSchemaRegistry({
      divisions,
      items: [{ ...sw005, subject: 'person' }],
    });
    const body = validEnvelope();
    body.payload.surprise = 'x';
    const error = rejectionOf(() => personOnly.validateSubmission(body));
    expect(error.stage).toBe('payload');
    expect(error.errors.map((p) => p.path)).toEqual(['/applicant/type', '/payload/surprise']);
    expect(error.errors[0]!.messageZh).toContain('仅限个人');
  });

  it('runs the cross-field rules only once the schema passed, reporting every rule problem', () => {
    const body = validEnvelope();
    body.payload.totalAmount = '1.00';
    body.payload.lines[1]!.taxAuthorityCode = '15303000000';
    const error = rejectionOf(() => registry.validateSubmission(body));
    expect(error).toMatchObject({ stage: 'payload', code: 'GW_PAYLOAD_INVALID', status: 422 });
    expect(error.errors.map((p) => [p.path, p.keyword])).toEqual([
      ['/payload/totalAmount', 'sum-equals'],
      ['/payload/lines/1/taxAuthorityCode', 'equals'],
    ]);
    body.payload.surprise = 'x';
    const schemaFirst = rejectionOf(() => registry.validateSubmission(body));
    expect(schemaFirst.errors.map((p) => p.keyword)).toEqual(['additionalProperties']);
  });
});

describe('today on the China calendar (UTC+8)', () => {
  // 2026-12-02 00:30 in Beijing is still 2026-12-01 16:30 in UTC.
  const at = (iso: string) =>
    createSchemaRegistry({ divisions, items: [sw005], now: () => new Date(iso) });
  const halfPastMidnight = at('2026-12-01T16:30:00Z');
  const beforeMidnight = at('2026-12-01T15:59:59Z');

  function paidFor(periodEnd: string): Envelope {
    const body = validEnvelope();
    for (const line of body.payload.lines) line.taxPeriod = { start: '2026-11-01', end: periodEnd };
    return body;
  }

  function paidBy(idNumber: string): Envelope {
    const body = structuredClone(registry.examplesFor('SW-005')!.valid[1]) as Envelope;
    body.applicant.idNumber = idNumber;
    body.payload.taxpayerId = idNumber;
    return body;
  }

  it('accepts a tax period ending today in China at 00:30, although UTC is still on yesterday', () => {
    expect(halfPastMidnight.validateSubmission(paidFor('2026-12-02')).item.code).toBe('SW-005');
  });

  it('refuses a tax period ending tomorrow in China', () => {
    const error = rejectionOf(() => halfPastMidnight.validateSubmission(paidFor('2026-12-03')));
    expect(error.errors.map((p) => [p.path, p.keyword])).toEqual([
      ['/payload/lines/0/taxPeriod', 'orderedPeriod'],
      ['/payload/lines/1/taxPeriod', 'orderedPeriod'],
    ]);
    expect(error.errors[0]!.message).toBe('end must not be after today (2026-12-02, China time)');
  });

  it('refuses that period ending 2026-12-02 one second before midnight in China', () => {
    const error = rejectionOf(() => beforeMidnight.validateSubmission(paidFor('2026-12-02')));
    expect(error.errors[0]).toMatchObject({ keyword: 'orderedPeriod' });
  });

  it('accepts the ID number of a child born today in China, at 00:30', () => {
    const born = withIdCheck('11010520261202001');
    expect(halfPastMidnight.validateSubmission(paidBy(born)).item.code).toBe('SW-005');
    const error = rejectionOf(() => beforeMidnight.validateSubmission(paidBy(born)));
    expect(error).toMatchObject({ stage: 'identifiers' });
    expect(error.errors[0]!.message).toContain('birth date 20261202');
  });
});

describe('shared definitions', () => {
  const items = loadCatalogue().filter((item) => ['SW-005', 'GA-001'].includes(item.code));
  const both = createSchemaRegistry({ divisions, items });
  /** The compiled definitions a validator calls, by the full URI of its $ref. */
  const sharedRefs = (validate: { schemaEnv: { refs: Record<string, unknown> } }) =>
    new Map(Object.entries(validate.schemaEnv.refs).filter(([ref]) => ref.startsWith(DEFS_ID)));

  it('are compiled once: every item version and the envelope call the same function', () => {
    const sw005 = sharedRefs(both.validatorFor('SW-005')!);
    const ga001 = sharedRefs(both.validatorFor('GA-001')!);
    const envelope = sharedRefs(both.envelopeValidator());
    const inBoth = [...sw005.keys()].filter((ref) => ga001.has(ref));
    const withEnvelope = [...sw005.keys()].filter((ref) => envelope.has(ref));
    expect(inBoth).toContain(`${DEFS_ID}#/$defs/divisionCode`);
    expect(withEnvelope.length).toBeGreaterThan(0);
    for (const ref of inBoth) expect(sw005.get(ref), ref).toBe(ga001.get(ref));
    for (const ref of withEnvelope) expect(sw005.get(ref), ref).toBe(envelope.get(ref));
  });
});
