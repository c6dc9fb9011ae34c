// What a 422 says failed (README.md#errors): a title names only its code, and the detail says
// what was checked. GW_VALIDATION_FAILED is a schema mismatch, naming the schema, but also a body
// that matches its schema and fails a check beyond it (a refused callbackUrl, an event's time);
// those are never told as a schema mismatch. GW_PAYLOAD_INVALID says whether the item's schema or
// its cross-field rules refused the payload. Real gateway on the test Redis.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startApiGateway, validExample, type ApiGateway } from '../../support/api-gateway.ts';

interface Problem {
  code: string;
  title: string;
  detail: string;
  errors?: { path: string; keyword?: string }[];
}

let gw: ApiGateway;
let seq = 0;
beforeAll(async () => {
  gw = await startApiGateway();
});
afterAll(async () => gw?.close());

const submit = (body: unknown) =>
  gw
    .client('portal-sc')
    .submitCase<Problem & { caseId: string }>(body, `detail-${seq++}-${Date.now()}`);

function invalidSw005(keyword: string): unknown {
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items', 'SW-005.examples.json'), 'utf8'),
  ) as { invalid: { keyword: string; envelope: unknown }[] };
  return examples.invalid.find((example) => example.keyword === keyword)!.envelope;
}

describe('GW_VALIDATION_FAILED', () => {
  it('has a title that claims no schema, and a detail naming the schema a body misses', async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'finished', at: 'x' },
      });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_VALIDATION_FAILED');
    expect(res.body.title).toBe('The request failed validation');
    expect(res.body.detail).toBe(
      'The body does not match the CaseEvent schema (OpenAPI components/schemas/CaseEvent): 2 problems, each in errors',
    );
  });

  it("names the envelope's schema for a submission that misses it", async () => {
    const res = await submit({ ...validExample('SW-005'), mode: 'teleport' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe(
      'The envelope does not match its schema (OpenAPI components/schemas/envelope, schemas/envelope.schema.json): 1 problem, each in errors',
    );
  });

  it('says a refused callbackUrl is refused, not that the envelope misses its schema', async () => {
    const res = await submit({
      ...validExample('SW-005'),
      callbackUrl: 'https://user:pw@portal.example/callbacks',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'GW_VALIDATION_FAILED',
      title: 'The request failed validation',
      detail:
        'The envelope matches its schema but its callbackUrl is refused: it must not carry credentials',
      errors: [expect.objectContaining({ path: '/callbackUrl' })],
    });
  });

  it("says an event's time is outside what the case accepts, with a title that claims no schema", async () => {
    const caseId = (await submit(validExample('SW-005'))).body.caseId;
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const res = await gw
      .client('province-yn')
      .request<Problem>('POST', `/v1/cases/${caseId}/events`, {
        json: { type: 'accepted', at: ahead },
      });
    expect(res.status).toBe(422);
    expect(res.body.title).not.toMatch(/schema/);
    expect(res.body.detail).toMatch(/^The event's time \(at\) matches its schema but lies outside/);
  });
});

describe('GW_PAYLOAD_INVALID', () => {
  it("says the payload misses the item's schema when it does", async () => {
    const res = await submit(invalidSw005('pattern'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.title).toBe("The payload does not meet the item's requirements");
    expect(res.body.detail).toBe(
      'The payload does not match the schema of SW-005 v1: 1 problem, each in errors',
    );
  });

  it('says the payload matches the schema and breaks a cross-field rule when it does', async () => {
    const res = await submit(invalidSw005('sum-equals'));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('GW_PAYLOAD_INVALID');
    expect(res.body.detail).toBe(
      "The payload matches the schema of SW-005 v1 but breaks its cross-field rules (each problem's keyword names its rule): 1 problem, each in errors",
    );
    expect(res.body.errors).toEqual([expect.objectContaining({ keyword: 'sum-equals' })]);
  });
});
