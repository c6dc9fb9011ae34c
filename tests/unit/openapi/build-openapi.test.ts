// The OpenAPI document other clients are written against (gateway/README.md#api-contract): it must
// be valid OpenAPI 3.1 by a real validator, list every route of the contract with its headers and
// statuses, name every GW_* code, and describe the signature exactly as
// gateway/README.md#authentication-and-signing does.
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../../gateway/openapi/build-openapi.ts';
import { GATEWAY_CHECKS } from '../../../gateway/openapi/convert-schema.ts';
import { MISMATCH_TEXT, SIGNING_TEXT } from '../../../gateway/openapi/security.ts';
import { ERROR_CATALOGUE } from '../../../gateway/shared/errors.ts';
import { catalogueDocument, collect, resolvePointer } from './support.ts';

let doc: OpenApiDocument;
beforeAll(() => {
  doc = catalogueDocument();
});

/** The value at a JSON pointer into the document (undefined when absent). */
const at = (pointer: string): unknown => resolvePointer(doc, pointer);
const operation = (path: string, method: string): unknown =>
  (doc.paths[path] as Record<string, unknown> | undefined)?.[method];

describe('buildOpenApi', () => {
  it('produces a document a real OpenAPI 3.1 validator accepts', async () => {
    const result = await new Validator().validate(
      structuredClone(doc) as unknown as Record<string, unknown>,
    );
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is checked by a validator that does reject a broken document', async () => {
    const broken = structuredClone(doc);
    (broken.paths['/v1/cases'] as { post: { responses: unknown } }).post.responses = 'none';
    const result = await new Validator().validate(broken as unknown as Record<string, unknown>);
    expect(result.valid).toBe(false);
  });

  it('documents every route of the API contract with its method', () => {
    const routes = [
      ['post', '/v1/cases'],
      ['get', '/v1/cases/{caseId}'],
      ['post', '/v1/cases/{caseId}/events'],
      ['get', '/v1/catalogue/items'],
      ['get', '/v1/catalogue/items/{code}'],
      ['get', '/v1/routes/resolve'],
      ['get', '/v1/divisions/{code}'],
      ['get', '/v1/admin/dead-letters'],
      ['post', '/v1/admin/dead-letters/{caseId}/replay'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
    ] as const;
    for (const [method, path] of routes) expect(operation(path, method), path).toBeDefined();
  });

  it('lists every ERROR_CATALOGUE code in the Problem schema, and a response per status', () => {
    expect(at('#/components/schemas/Problem/properties/code/enum')).toEqual(
      Object.keys(ERROR_CATALOGUE),
    );
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      const response = doc.components.responses[`Problem${spec.status}`] as { description: string };
      expect(response.description, code).toContain(code);
    }
  });

  it("gives a catalogue draft's creation an optional Idempotency-Key, the draft's ETag and Idempotent-Replayed on its 201 and the 409 of a reused key", () => {
    const create = '#/paths/~1v1~1admin~1catalogue~1drafts/post';
    expect(at(`${create}/parameters`)).toEqual([
      { $ref: '#/components/parameters/OptionalIdempotencyKey' },
    ]);
    // The same header, with the same rules, as a submission's; only not required.
    const parameters = doc.components.parameters as Record<string, object>;
    expect({ ...parameters.OptionalIdempotencyKey, description: '' }).toEqual({
      ...parameters.IdempotencyKey,
      required: false,
      description: '',
    });
    expect(Object.keys(at(`${create}/responses/201/headers`) as object)).toEqual([
      'ETag',
      'Idempotent-Replayed',
    ]);
    for (const status of ['400', '409'])
      expect(at(`${create}/responses/${status}/$ref`)).toBe(
        `#/components/responses/Problem${status}`,
      );
  });

  it("gives a rating's 201 Idempotent-Replayed, as a submission's 202, and names both answers in the Idempotency-Key's description", () => {
    const rate = '#/paths/~1v1~1cases~1{caseId}~1evaluations/post';
    expect(at(`${rate}/parameters`)).toContainEqual({
      $ref: '#/components/parameters/IdempotencyKey',
    });
    expect(at(`${rate}/responses/201/headers`)).toEqual({
      'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
    });
    expect(at('#/components/parameters/IdempotencyKey/description')).toMatch(
      /a case's 202, a rating's 201/,
    );
  });

  it('gives POST /v1/cases its contract: Idempotency-Key, 202 headers and every refusal', () => {
    const submit = '#/paths/~1v1~1cases/post';
    expect(at(`${submit}/parameters`)).toContainEqual({
      $ref: '#/components/parameters/IdempotencyKey',
    });
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      schema: { minLength: 8, maxLength: 128 },
    });
    expect(Object.keys(at(`${submit}/responses/202/headers`) as object)).toEqual([
      'Location',
      'Idempotent-Replayed',
    ]);
    const statuses = ['400', '401', '403', '404', '409', '413', '415', '422', '429', '503'];
    for (const status of statuses) {
      const ref = at(`${submit}/responses/${status}/$ref`);
      expect(ref, status).toBe(`#/components/responses/Problem${status}`);
      expect(at(`${ref as string}/content/application~1problem+json/schema`)).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    }
    for (const status of ['429', '503'])
      expect(at(`#/components/responses/Problem${status}/headers/Retry-After`)).toBeDefined();
    expect(at('#/components/schemas/CaseAccepted/required')).toEqual(
      expect.arrayContaining(['caseId', 'status', 'phase', 'itemCode', 'itemVersion', 'route']),
    );
    expect(at('#/components/schemas/CaseAccepted/properties/links')).toEqual({
      $ref: '#/components/schemas/Links',
    });
  });

  it("gives a province event's 200 the members the gateway answers, all required: caseId, status, phase, duplicate", () => {
    const answer =
      '#/paths/~1v1~1cases~1{caseId}~1events/post/responses/200/content/application~1json/schema';
    expect(Object.keys(at(`${answer}/properties`) as object)).toEqual([
      'caseId',
      'status',
      'phase',
      'duplicate',
    ]);
    expect(at(`${answer}/required`)).toEqual(['caseId', 'status', 'phase', 'duplicate']);
    expect(at(`${answer}/properties/phase`)).toEqual({ $ref: '#/components/schemas/Phase' });
  });

  it('names every figure of the statistics answers, not a bare object', () => {
    const answer = (path: string) =>
      `#/paths/${path.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema/properties`;
    const evaluations = answer('/v1/stats/evaluations');
    expect(Object.keys(at(`${evaluations}/totals/properties`) as object)).toEqual(
      expect.arrayContaining(['evaluations', 'levels', 'goodRate', 'badCount', 'rectifications']),
    );
    expect(
      Object.keys(at(`${evaluations}/totals/properties/rectifications/properties`) as object),
    ).toEqual(expect.arrayContaining(['opened', 'visited', 'visitRate', 'rectifyRate']));
    expect(at(`${evaluations}/byRated/items/required`)).toEqual(['rated']);
    expect(Object.keys(at(`${evaluations}/filters/properties`) as object)).toEqual([
      'province',
      'itemCode',
      'from',
      'to',
    ]);
    const supervision = answer('/v1/stats/supervision');
    expect(Object.keys(at(`${supervision}/filters/properties`) as object)).toEqual([
      'province',
      'itemCode',
    ]);
  });

  it("describes an item page's invalid examples as the files hold them: description, pointer, keyword, envelope", () => {
    const invalid = at(
      '#/components/schemas/CatalogueItemDetail/properties/examples/properties/invalid/items',
    ) as { properties?: object; required?: string[] };
    expect(Object.keys(invalid.properties ?? {})).toEqual([
      'description',
      'pointer',
      'keyword',
      'envelope',
    ]);
    expect(invalid.required).toEqual(['pointer', 'keyword', 'envelope']);
  });

  it('requires all five X-Gw-* headers together and quotes the documented string-to-sign', () => {
    const schemes = doc.components.securitySchemes as Record<string, Record<string, string>>;
    const headers = Object.values(schemes).map((s) => [s.type, s.in, s.name]);
    expect(headers).toEqual(
      ['Client', 'Timestamp', 'Nonce', 'Signature-Method', 'Signature'].map((h) => [
        'apiKey',
        'header',
        `X-Gw-${h}`,
      ]),
    );
    expect(doc.security).toEqual([Object.fromEntries(Object.keys(schemes).map((k) => [k, []]))]);
    expect(schemes.gwSignature!.description).toContain(SIGNING_TEXT);
    expect(SIGNING_TEXT).toContain('`GET\\n/v1/cases/01J…\\na=1&b=2\\n1764100000\\n');
    for (const open of ['/healthz', '/readyz', '/metrics'])
      expect(operation(open, 'get'), open).toMatchObject({ security: [] });
  });

  it("documents the 401's stringToSign member: in the Problem schema, optional, on the 401 response and in the signing scheme's troubleshooting text", () => {
    expect(at('#/components/schemas/Problem/properties/stringToSign')).toMatchObject({
      type: 'string',
      description: expect.stringContaining('GW_AUTH_BAD_SIGNATURE'),
    });
    expect(at('#/components/schemas/Problem/required')).not.toContain('stringToSign');
    expect(at('#/components/responses/Problem401/description')).toContain('`stringToSign`');
    const schemes = doc.components.securitySchemes as Record<string, Record<string, string>>;
    expect(schemes.gwSignature!.description).toContain(MISMATCH_TEXT);
    expect(MISMATCH_TEXT).toMatch(/raw bytes you send/);
  });

  it('resolves every $ref inside the document', () => {
    const refs = collect(doc, '$ref');
    expect(refs.length).toBeGreaterThan(100);
    const dangling = refs.filter(
      ({ value }) => typeof value !== 'string' || resolvePointer(doc, value) === undefined,
    );
    expect(dangling).toEqual([]);
  });

  it('keeps no $id, $schema or custom keyword, and marks identifier checks with x-gw-check', () => {
    const schemas = doc.components.schemas;
    expect(collect(schemas, '$id')).toEqual([]);
    expect(collect(schemas, '$schema')).toEqual([]);
    for (const keyword of Object.keys(GATEWAY_CHECKS)) {
      // As a keyword its value is true/"past"; a property of that name is an object.
      const asKeyword = collect(schemas, keyword).filter(({ value }) => typeof value !== 'object');
      expect(asKeyword.filter(({ value }) => value === true || value === 'past')).toEqual([]);
    }
    expect(at('#/components/schemas/defs.creditCode/x-gw-check')).toBe('creditCode');
    expect(at('#/components/schemas/defs.creditCode/description')).toContain(
      'x-gw-check: creditCode',
    );
    expect(at('#/components/schemas/defs.pastPeriod/x-gw-check')).toBe('orderedPeriod:past');
    // The envelope's property called creditCode is data, not the keyword: it stays.
    expect(at('#/components/schemas/envelope/properties/applicant/properties/creditCode')).toEqual({
      $ref: '#/components/schemas/defs.creditCode',
    });
  });
});
