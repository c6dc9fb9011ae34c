// The OpenAPI document's `webhooks` (gateway/openapi/callback-webhooks.ts) say what the gateway
// posts to a portal's callbackUrl: this holds what the callback worker really posts — bodies and
// headers, received by a real HTTP server — against that text. A case moves to CLOSED (status
// callbacks) and the 督办 engine raises a warning on it (a supervision callback), on an injected
// clock, and its 差评's rectification moves (a rectification callback); the body must match the documented (closed) schema, and every documented header must be
// sent and match its schema, the signature verifying with the portal's secret as documented.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay } from '../../gateway/calendar/working-days.ts';
import { superviseOnce } from '../../gateway/supervision/supervision.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { callbackSignedWith } from '../support/callback-signature.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { close, submit } from '../support/case-flow.ts';
import { evaluate, rectificationEvent } from '../support/evaluation-flow.ts';
import { waitFor } from '../support/redis.ts';
import { supervisorOf } from '../support/supervision.ts';
import { testClock } from '../support/test-clock.ts';

interface Post {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: object;
}
interface Webhook {
  post: {
    parameters: Parameter[];
    requestBody: { content: Record<string, { schema: { $ref: string } }> };
  };
}

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
let callbacks: TestCallbackWorker;
let receiver: Server;
let hook: string;
const posts: Post[] = [];

beforeAll(async () => {
  gw = await startApiGateway({}, { now: clock.now });
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      posts.push({
        url: req.url ?? '',
        headers: req.headers,
        raw,
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  hook = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks?p=sc`;
  callbacks = startGatewayCallbackWorker(gw);
});
afterAll(async () => {
  await callbacks?.close();
  receiver?.close();
  await gw?.close();
});

/** A validator of one webhook's body, resolving the document's own $refs. */
function bodyValidator(name: string) {
  const document = gw.services.openapi as unknown as { webhooks: Record<string, Webhook> };
  const webhook = document.webhooks[name]!;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'https://gw.test/openapi.json' });
  const { $ref } = webhook.post.requestBody.content['application/json']!.schema;
  return { webhook, ajv, validate: ajv.compile({ $ref: `https://gw.test/openapi.json${$ref}` }) };
}

/** Checks one post against a webhook: its body, every documented header, its signature. */
function expectDocumented(name: string, post: Post): void {
  const { webhook, ajv, validate } = bodyValidator(name);
  expect(validate(post.body), JSON.stringify(validate.errors)).toBe(true);
  const headers = webhook.post.parameters.filter((p) => p.in === 'header');
  expect(headers.map((h) => h.name)).toEqual([
    'X-Gw-Client',
    'X-Gw-Timestamp',
    'X-Gw-Nonce',
    'X-Gw-Signature-Method',
    'X-Gw-Signature',
  ]);
  for (const header of headers) {
    const value = post.headers[header.name.toLowerCase()];
    if (header.required) expect(value, header.name).toBeDefined();
    expect(ajv.validate(header.schema, value), `${header.name}: ${String(value)}`).toBe(true);
  }
  expect(post.headers['content-type']).toBe('application/json');
  // As documented: the portal's own secret over the callbackUrl's path and query and the body.
  expect(callbackSignedWith(post.headers, post.url, post.raw, devSecret('portal-sc')).ok).toBe(
    true,
  );
}

describe('the documented callbacks', () => {
  it('are what the gateway posts for each move of a case, from ROUTED to CLOSED', async () => {
    const { caseId } = await submit(gw, 'SF-009', { callbackUrl: hook });
    await close(gw, 'province-yn', caseId, clock.now().toISOString());
    const mine = () => posts.filter((p) => p.body.caseId === caseId && !('type' in p.body));
    // The accepted event overtook the worker's delivery: DELIVERED is recorded first.
    const moves = ['ROUTED', 'DELIVERED', 'IN_PROGRESS', 'DECIDED', 'CLOSED'];
    await waitFor(() => mine().length === moves.length, {
      timeoutMs: 15_000,
      what: 'a status callback per move',
    });
    expect(
      mine()
        .map((p) => p.body.status)
        .sort(),
    ).toEqual([...moves].sort());
    expect(mine().find((p) => p.body.status === 'DECIDED')!.body.result).toBeDefined();
    for (const post of mine()) expectDocumented('caseStatus', post);
  });

  it('are what the gateway posts when the 督办 engine raises a flag on a case', async () => {
    const { caseId } = await submit(gw, 'SF-009', { callbackUrl: hook });
    // 7 working days from Monday 9/7 end 9/16: the warning falls at the end of 9/15.
    expect(await superviseOnce(supervisorOf(gw), Date.parse(endOfChinaDay('2026-09-15')) + 1)).toBe(
      1,
    );
    const flagged = () =>
      posts.filter((p) => p.body.caseId === caseId && p.body.type === 'supervision');
    await waitFor(() => flagged().length === 1, {
      timeoutMs: 15_000,
      what: 'the warning callback',
    });
    expect(flagged()[0]!.body.flag).toBe('warning');
    expectDocumented('supervision', flagged()[0]!);
  });

  it("are what the gateway posts when a 差评's rectification moves", async () => {
    const { caseId } = await submit(gw, 'SF-009', { callbackUrl: hook });
    await close(gw, 'province-yn', caseId, clock.now().toISOString());
    const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
    expect(rated.status).toBe(201);
    const id = rated.body.rectification!.id;
    expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
    const moved = () => posts.filter((p) => p.body.rectificationId === id);
    await waitFor(() => moved().length === 1, { timeoutMs: 15_000, what: 'the visited callback' });
    expect(moved()[0]!.body).toMatchObject({ type: 'rectification', status: 'VISITED' });
    expectDocumented('rectification', moved()[0]!);
  });

  it('are described for every kind of callback body the gateway sends', () => {
    const document = gw.services.openapi as unknown as { webhooks: Record<string, unknown> };
    expect(Object.keys(document.webhooks).sort()).toEqual([
      'caseStatus',
      'rectification',
      'supervision',
    ]);
  });
});
