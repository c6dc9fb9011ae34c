// The answers a portal and a province get, against the OpenAPI document they are written from
// (GET /openapi.json; README "Integrating a portal"): every status is one the operation lists,
// every body matches the operation's schema, and every member it carries is described there (a
// member the document does not name is one a generated client drops). Found by an independent
// client that read the docs alone: a path parameter or query that is not percent-encoding was an
// undocumented 400 on the reads, and a refused routing decision, a rectification, a joint case's
// parties and the supervision counts carried members the document did not describe.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../gateway/client/gateway-client.ts';
import { OPENAPI_DOC_ID, servedOpenApi } from '../support/served-openapi.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { submit, submitJoint } from '../support/case-flow.ts';
import { rectificationEvent } from '../support/evaluation-flow.ts';
import { paidResult } from '../support/payment-results.ts';
import { validExample } from '../support/api-gateway.ts';
import { sweepRecords } from './fuzz/odd-parameters.ts';

type Schema = Record<string, unknown> & {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: unknown;
};
interface Operation {
  responses: Record<string, Schema>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Schema>>;
}

let gw: ApiGateway;
let doc: Document;
let ajv: Ajv2020;
let ids: Record<string, string>;

beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '100000' });
  ({ doc, ajv } = await servedOpenApi<Document>(gw.url));
  ids = await sweepRecords(gw);
  const visited = await rectificationEvent(gw, ids.rectificationId!, 'visited');
  expect(visited.status).toBe(200);
  // An open case, so the supervision counts have rows, and a joint case, whose parties are shown.
  await submit(gw);
  ids.jointId = (await submitJoint(gw)).parentId;
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const deref = (schema: Schema | undefined): Schema | undefined => {
  let s = schema;
  while (s?.$ref) {
    const [, , group, name] = s.$ref.split('/');
    s = doc.components[group!]![name!.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return s;
};

/** Members of `value` its schema does not describe (objects that name their properties only). */
function undescribed(schema: Schema | undefined, value: unknown, at: string): string[] {
  const s = deref(schema);
  if (!s || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value))
    return s.items ? value.flatMap((v, i) => undescribed(s.items, v, `${at}/${i}`)) : [];
  const branches = [s, ...[...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])].map(deref)];
  const named = branches.filter((b) => b?.properties);
  if (named.length === 0 || s.additionalProperties !== undefined) return [];
  const properties = Object.assign({}, ...named.map((b) => b!.properties)) as Record<
    string,
    Schema
  >;
  return Object.entries(value).flatMap(([key, v]) =>
    key in properties ? undescribed(properties[key], v, `${at}/${key}`) : [`${at}/${key}`],
  );
}

const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** What the document says wrong about this answer, or nothing. */
function disagreements(method: string, template: string, status: number, body: unknown): string[] {
  const label = `${method} ${template} ${status}`;
  const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
  if (!response) return [`${label}: status not documented`];
  // Where the answer's schema sits in the document: inline, or in a shared response.
  const base = response.$ref
    ? response.$ref
    : `#/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}`;
  const resolved = deref(response) as { content?: Record<string, { schema: Schema }> };
  const type = Object.keys(resolved.content ?? {})[0];
  if (!type) return [];
  const validate = ajv.compile({ $ref: `${OPENAPI_DOC_ID}${base}/content/${escape(type)}/schema` });
  const invalid = validate(body) ? [] : [`${label}: ${ajv.errorsText(validate.errors)}`];
  const members = undescribed(resolved.content![type]!.schema, body, '');
  return [...invalid, ...members.map((m) => `${label}: ${m} not described`)];
}

/** Signed as `client`; a query that is not percent-encoding is sent but cannot be signed. */
async function send(
  client: string,
  method: string,
  url: string,
  json?: unknown,
  key = `answers-${Math.random()}`,
) {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const credentials = { clientId: client, secret: devSecret(client) };
  let headers: Record<string, string>;
  try {
    headers = signRequest(credentials, { method, url, body });
  } catch {
    headers = signRequest(credentials, { method, url: url.split('?')[0]!, body });
  }
  const res = await fetch(`${gw.url}${url}`, {
    method,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      'Idempotency-Key': key,
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe('the answers, against the OpenAPI document', () => {
  it('documents every answer a portal and a province read: its status, its schema and every member', async () => {
    const { caseId, rectificationId, jointId } = ids;
    const reads: [string, string, string][] = [
      ['portal-sc', `/v1/cases/${caseId}`, '/v1/cases/{caseId}'],
      ['province-yn', `/v1/cases/${caseId}`, '/v1/cases/{caseId}'],
      ['portal-sc', `/v1/cases/${jointId}`, '/v1/cases/{caseId}'],
      ['province-cq', `/v1/cases/${jointId}-1`, '/v1/cases/{caseId}'],
      ['portal-sc', '/v1/cases/01M8A6CZPRES77V92H9G3NCHAN', '/v1/cases/{caseId}'],
      ['portal-sc', '/v1/catalogue/items?department=SW', '/v1/catalogue/items'],
      ['portal-sc', '/v1/catalogue/items/SW-005', '/v1/catalogue/items/{code}'],
      ['portal-sc', '/v1/catalogue/items?mode=walk', '/v1/catalogue/items'],
      [
        'portal-sc',
        '/v1/routes/resolve?itemCode=SW-005&mode=online&receivingRegion=510104&handlingRegion=530323',
        '/v1/routes/resolve',
      ],
      [
        'portal-sc',
        '/v1/routes/resolve?itemCode=SW-005&mode=online&receivingRegion=510104&handlingRegion=510105',
        '/v1/routes/resolve',
      ],
      ['portal-sc', '/v1/divisions/530323', '/v1/divisions/{code}'],
      ['portal-sc', '/v1/divisions/999999', '/v1/divisions/{code}'],
      [
        'portal-sc',
        `/v1/rectifications/${rectificationId}`,
        '/v1/rectifications/{rectificationId}',
      ],
      [
        'province-yn',
        `/v1/rectifications/${rectificationId}`,
        '/v1/rectifications/{rectificationId}',
      ],
      ['province-yn', '/v1/rectifications', '/v1/rectifications'],
      ['province-yn', '/v1/supervision/notices', '/v1/supervision/notices'],
      ['portal-sc', '/v1/stats/evaluations', '/v1/stats/evaluations'],
      ['portal-sc', '/v1/stats/supervision', '/v1/stats/supervision'],
    ];
    const wrong: string[] = [];
    for (const [client, url, template] of reads) {
      const res = await send(client, 'GET', url);
      wrong.push(...disagreements('GET', template, res.status, res.body));
    }
    expect(wrong).toEqual([]);
  });

  it('documents every answer to the writes a portal and a province send through the tax case, refusals included: its status, its schema and every member', async () => {
    // The flagship story as a client written from README.md alone walked it: submit, replay,
    // province events, rating, rectification, re-rating, and each refusal it met on the way.
    const answers: [string, string, number, unknown][] = [];
    const write = async (
      client: string,
      url: string,
      template: string,
      json: unknown,
      key?: string,
    ) => {
      const res = await send(client, 'POST', url, json, key);
      answers.push(['POST', template, res.status, res.body]);
      return res;
    };
    const envelope = validExample('SW-005');
    const key = `order-${Math.random()}`;
    const submitted = await write('portal-sc', '/v1/cases', '/v1/cases', envelope, key);
    const caseId = (submitted.body as { caseId: string }).caseId;
    await write('portal-sc', '/v1/cases', '/v1/cases', envelope, key); // replayed 202
    await write(
      'portal-sc',
      '/v1/cases',
      '/v1/cases',
      { ...envelope, callbackUrl: 'http://127.0.0.1:9/other' },
      key,
    ); // 409
    await write('portal-sc', '/v1/cases', '/v1/cases', { ...envelope, mode: 'walk' }); // 422
    const events = `/v1/cases/${caseId}/events`;
    const eventsTemplate = '/v1/cases/{caseId}/events';
    const at = new Date().toISOString();
    const ratings = `/v1/cases/${caseId}/evaluations`;
    const ratingsTemplate = '/v1/cases/{caseId}/evaluations';
    await write('portal-sc', ratings, ratingsTemplate, { level: 5, rated: 'handling' }); // 422 open
    await write('province-sc', events, eventsTemplate, { type: 'accepted', at }); // 404
    await write('portal-sc', events, eventsTemplate, { type: 'accepted', at }); // 403
    await write('province-yn', events, eventsTemplate, {
      type: 'accepted',
      at: '2026-12-05T08:00:00',
    });
    await write('province-yn', events, eventsTemplate, { type: 'accepted', at });
    await write('province-yn', events, eventsTemplate, { type: 'accepted', at }); // duplicate
    await write('province-yn', events, eventsTemplate, { type: 'resumed', at }); // 409
    const result = { ...paidResult(), totalAmount: '12' };
    await write('province-yn', events, eventsTemplate, { type: 'decided', at, result }); // 422
    await write('province-yn', events, eventsTemplate, {
      type: 'decided',
      at,
      result: paidResult(),
    });
    await write('province-yn', events, eventsTemplate, { type: 'result-delivered', at });
    const rating = { level: 2, rated: 'handling', comment: '材料退了三次' };
    const rated = await write('portal-sc', ratings, ratingsTemplate, rating, `rate-${caseId}`);
    await write('portal-sc', ratings, ratingsTemplate, rating, `rate-${caseId}`); // replayed 201
    await write('portal-sc', ratings, ratingsTemplate, rating); // 409 already evaluated
    const id = (rated.body as { rectification: { id: string } }).rectification.id;
    const steps = `/v1/rectifications/${id}/events`;
    const stepsTemplate = '/v1/rectifications/{rectificationId}/events';
    const reRating = `/v1/rectifications/${id}/re-rating`;
    const reRatingTemplate = '/v1/rectifications/{rectificationId}/re-rating';
    await write('portal-sc', reRating, reRatingTemplate, { level: 4 }); // 409 not rectified yet
    await write('province-yn', steps, stepsTemplate, { type: 'visited', note: '已回访' });
    await write('province-yn', steps, stepsTemplate, { type: 'visited', note: '已回访' });
    await write('province-yn', steps, stepsTemplate, { type: 'rectified' }); // 422 no note
    await write('province-yn', steps, stepsTemplate, { type: 'rectified', note: '已整改' });
    await write('portal-sc', reRating, reRatingTemplate, { level: 4 });
    await write('portal-sc', reRating, reRatingTemplate, { level: 4 }); // duplicate
    await write('portal-sc', reRating, reRatingTemplate, { level: 5 }); // 409 closed
    expect(answers.map(([, , status]) => status)).toEqual([
      202, 202, 409, 422, 422, 404, 403, 422, 200, 200, 409, 422, 200, 200, 201, 201, 409, 409, 200,
      200, 422, 200, 200, 200, 409,
    ]);
    const wrong = answers.flatMap(([method, template, status, body]) =>
      disagreements(method, template, status, body),
    );
    expect(wrong).toEqual([]);
  });

  it('documents the 400 GW_INVALID_PARAMETER of a path parameter or a query that is not percent-encoding, on every signed operation', async () => {
    const wrong: string[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      if (!template.startsWith('/v1/')) continue;
      for (const method of Object.keys(operations)) {
        const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '2026');
        const odd = [`${filled}?x=%zz`];
        if (template.includes('{')) odd.push(template.replace(/\{\w+\}/g, '%zz'));
        for (const url of odd) {
          const res = await send(
            'operator-dev',
            method.toUpperCase(),
            url,
            method === 'get' ? undefined : {},
          );
          expect(res.body, `${method} ${url}`).toMatchObject({
            status: 400,
            code: 'GW_INVALID_PARAMETER',
          });
          wrong.push(...disagreements(method.toUpperCase(), template, res.status, res.body));
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
