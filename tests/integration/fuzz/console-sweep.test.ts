// Every route of the operator console (gateway/console/console-router.ts, read off the router
// itself, so a page added later is swept too), as route-sweep.test.ts does for the API: each sent
// by an operator with every right, a read-only operator and no one, with odd path parameters
// (NUL, `..`, over-long, broken percent-encoding, full-width digits, an encoded slash), each query
// parameter and form field the console reads (found in its sources) odd, twice (express makes that
// an array) or bracketed, forms of the wrong media type, too large, or without their CSRF token.
// The console's contract (gateway/console/README.md): never a 5xx or a hang, never a stack trace
// on a page; a refusal is an HTML page (the console never answers problem+json); an odd id is
// never a page. The fixtures — a closed case with its 差评's rectification, a dead letter, a
// draft — make each id one that exists, so a refusal is the odd input's doing. On a redis-server
// of its own: the data-key census and re-seal walk the whole keyspace.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDeps, consoleRouter } from '../../../gateway/console/console-router.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { ownRedis } from '../../support/redis.ts';
import { ODD_IDS, ODD_VALUES, sweepRecords } from './odd-parameters.ts';

interface Route {
  method: 'GET' | 'POST';
  path: string;
}

/** What the console's routes are: every route of its router and the routers inside it. */
function routesOf(router: Router): Route[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    slash?: boolean;
    handle: { stack?: Layer[] };
  }
  const out: Route[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method === 'get' || method === 'post')
            out.push({ method: method.toUpperCase() as Route['method'], path: layer.route.path });
        }
      } else if (layer.slash && layer.handle.stack) {
        // Routers mounted at the root; /assets and Bull Board's /queues are swept elsewhere.
        walk(layer.handle.stack);
      }
    }
  };
  // The router given is mounted at / and holds the console's own, mounted at /console.
  const outer = (router as unknown as { stack: Layer[] }).stack;
  for (const layer of outer) if (layer.handle.stack) walk(layer.handle.stack);
  return out;
}

/** The query parameters and form fields the console reads, from its sources. */
function namesRead(): { query: string[]; form: string[] } {
  const dir = projectPath('gateway/console');
  const query = new Set<string>();
  const form = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    for (const m of text.matchAll(/queryText\([^,()]+, '(\w+)'/g)) query.add(m[1]!);
    for (const m of text.matchAll(/(?:formText|formReason)\([^,()]+, '(\w+)'/g)) form.add(m[1]!);
  }
  return { query: [...query], form: [...form].filter((name) => name !== '_csrf') };
}

let own: Awaited<ReturnType<typeof ownRedis>>;
let gw: ApiGateway;
let routes: Route[] = [];
let ids: Record<string, string> = {};
let names: { query: string[]; form: string[] };
const clients: Record<string, ConsoleClient> = {};

beforeAll(async () => {
  own = await ownRedis('console-sweep');
  gw = await startApiGateway(
    {
      GW_RATE_LIMIT_PER_SECOND: '1000000',
      GW_REDIS_COMMAND_TIMEOUT_MS: '5000',
      // The sweep's odd sign-ins must not lock the test's own address out.
      GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
    },
    { redisUrl: own.url, liveCatalogue: true, relay: false },
  );
  routes = routesOf(consoleRouter(consoleDeps(gw.services)));
  names = namesRead();
  const letter = await submitDeadLetter(gw, 'SW-005', 'socket hang up', `sweep-${Date.now()}`);
  ids = {
    ...(await sweepRecords(gw)),
    deadLetterId: letter.id,
    batchId: '0123456789abcdef0123456789abcdef',
  };
  clients['operator-dev'] = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  clients['operator-readonly'] = await ConsoleClient.signedIn(gw.url, 'operator-readonly');
  clients['no one'] = new ConsoleClient(gw.url);
}, 90_000);
afterAll(async () => {
  await gw?.close();
  await own?.stop();
});

interface Sent {
  label: string;
  client: string;
  method: Route['method'];
  url: string;
  body?: string;
  contentType?: string;
  /** An odd path id: never a page (200). */
  oddId: boolean;
}

/** What is wrong with the answer to `req`, or undefined. */
async function problemWith(req: Sent): Promise<string | undefined> {
  const client = clients[req.client]!;
  const headers: Record<string, string> = {};
  if (req.body !== undefined) headers['content-type'] = req.contentType!;
  const res = await fetch(`${gw.url}${req.url}`, {
    method: req.method,
    redirect: 'manual',
    headers: { ...headers, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    body: req.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (res.status >= 500) return `${res.status} ${text.slice(0, 300)}`;
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(text))
    return `a stack trace on the page: ${text.slice(0, 300)}`;
  if (req.oddId && res.status === 200) return 'an odd id answered as a page';
  if (res.status >= 400) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('text/html')) return `${res.status} as ${type}`;
  }
  return undefined;
}

/**
 * The names a client is sent one at a time on a route: every one, but for the read-only operator
 * SINGLES_SAMPLED of them, picked by a fixed hash of route, kind and name (the same ones every
 * run). The read-only operator's pages read their parameters with the same code as those of the
 * operator with every right, who is still sent each name alone on each route; what differs is its
 * rights, which refuse its writes before any handler reads a field and hide some pages, and those
 * refusals it meets on every route through its unsampled requests: the route as described, each
 * odd path id, every odd value in every name at once, every name twice and bracketed, and the
 * forms' media types, size, token and encoding. Of its one-name requests (about 2 400 of 7 700, a
 * quarter of the file's time) nearly all were answered as its "as described" request on the same
 * route; the few that were not (a 400 for an odd caseId or year) are the parameter's own refusal,
 * which the operator with every right meets through the same code.
 */
const SINGLES_SAMPLED = 3;
function singles(client: string, route: Route, kind: string, all: string[]): [string, number][] {
  const indexed = all.map((name, i): [string, number] => [name, i]);
  if (client !== 'operator-readonly') return indexed;
  const rank = ([name]: [string, number]) =>
    createHash('sha256').update(`${route.method} ${route.path} ${kind} ${name}`).digest('hex');
  return indexed
    .map((entry) => ({ entry, rank: rank(entry) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : 1))
    .slice(0, SINGLES_SAMPLED)
    .map(({ entry }) => entry);
}

function requestsFor(route: Route, client: string, csrf: string | undefined): Sent[] {
  const paramsOf = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const idFor = (name: string) =>
    name === 'caseId' && route.path.startsWith('/dead-letters/') ? ids.deadLetterId! : ids[name]!;
  const fill = (over: Record<string, string> = {}) =>
    `/console${route.path.replace(/:(\w+)/g, (_, name: string) => over[name] ?? idFor(name))}`;
  const form = (fields: Record<string, string>) =>
    [...(csrf ? [['_csrf', csrf]] : []), ...Object.entries(fields)]
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  const base = { client, method: route.method, oddId: false };
  const formBody =
    route.method === 'POST'
      ? { body: form({}), contentType: 'application/x-www-form-urlencoded' }
      : {};
  const out: Sent[] = [{ ...base, ...formBody, label: 'as described', url: fill() }];
  for (const name of paramsOf) {
    for (const odd of ODD_IDS) {
      out.push({
        ...base,
        ...formBody,
        label: `path ${name}=${odd.slice(0, 20)}`,
        url: fill({ [name]: odd }),
        // `..` is resolved by the URL before it is sent (the request is for the page above).
        oddId:
          route.method === 'GET' &&
          client !== 'no one' &&
          new URL(fill({ [name]: odd }), gw.url).pathname === fill({ [name]: odd }),
      });
    }
  }
  // No one gets the sign-in pages' odd input, and of the rest only the redirect to sign in: the
  // sign-in check comes before anything reads a query or a form.
  if (client === 'no one' && !route.path.startsWith('/sign-in')) return out;
  singles(client, route, 'query', names.query).forEach(([name, i]) => {
    const odd = ODD_VALUES[i % ODD_VALUES.length]!;
    out.push({ ...base, ...formBody, label: `query ${name} odd`, url: `${fill()}?${name}=${odd}` });
  });
  const all = (make: (name: string) => string) => names.query.map(make).join('&');
  // And every odd value in every parameter at once: a page reading several meets each.
  for (const odd of ODD_VALUES) {
    out.push({
      ...base,
      ...formBody,
      label: `every query ${odd.slice(0, 20)}`,
      url: `${fill()}?${all((n) => `${n}=${odd}`)}`,
    });
  }
  out.push({
    ...base,
    ...formBody,
    label: 'every query twice',
    url: `${fill()}?${all((n) => `${n}=a&${n}=b`)}`,
  });
  out.push({
    ...base,
    ...formBody,
    label: 'every query bracketed',
    url: `${fill()}?${all((n) => `${n}[a]=b&${n}[]=c`)}`,
  });
  if (route.method === 'POST') {
    const url = fill();
    const urlencoded = 'application/x-www-form-urlencoded';
    singles(client, route, 'form', names.form).forEach(([name, i]) => {
      const odd = ODD_VALUES[(i + 3) % ODD_VALUES.length]!;
      out.push({
        ...base,
        label: `form ${name} odd`,
        url,
        body: form({ [name]: odd }),
        contentType: urlencoded,
      });
      out.push({
        ...base,
        label: `form ${name} twice`,
        url,
        body: form({ [name]: 'a' }) + `&${name}=b`,
        contentType: urlencoded,
      });
      out.push({
        ...base,
        label: `form ${name} bracketed`,
        url,
        body: form({ [`${name}[a]`]: 'b' }),
        contentType: urlencoded,
      });
    });
    for (const odd of ODD_VALUES) {
      out.push({
        ...base,
        label: `every field ${odd.slice(0, 20)}`,
        url,
        body: form(Object.fromEntries(names.form.map((n) => [n, odd]))),
        contentType: urlencoded,
      });
    }
    out.push({
      ...base,
      label: 'form without its token',
      url,
      body: 'reason=x',
      contentType: urlencoded,
    });
    out.push({
      ...base,
      label: 'form as JSON',
      url,
      body: '{"reason":"x"}',
      contentType: 'application/json',
    });
    out.push({
      ...base,
      label: 'form as text',
      url,
      body: form({ reason: 'x' }),
      contentType: 'text/plain',
    });
    out.push({
      ...base,
      label: 'form too large',
      url,
      body: form({
        note: 'x'.repeat(route.path.startsWith('/catalogue/drafts') ? 2_200_000 : 40_000),
      }),
      contentType: urlencoded,
    });
    out.push({
      ...base,
      label: 'form of bad encoding',
      url,
      body: form({ note: '%E0%A4%A' }),
      contentType: `${urlencoded}; charset=latin1`,
    });
  }
  return out;
}

/** Requests sent at once on one route (below). */
const IN_FLIGHT = 4;

describe('the console under odd input', () => {
  it('reads its routes, query parameters and form fields (the sweep below covers them)', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /cases/:caseId',
        'POST /dead-letters/:caseId/replay',
        'POST /catalogue/drafts/:draftId/approve',
        'POST /board/rectifications/:rectificationId/appeal-decision',
      ]),
    );
    expect(routes.length).toBeGreaterThan(30);
    expect(names.query).toEqual(expect.arrayContaining(['cursor', 'kind', 'year']));
    expect(names.form).toEqual(expect.arrayContaining(['reason', 'document', 'decision']));
  });

  // The sign-out ends the session the rest of the sweep runs in; its own tests cover it.
  it(
    'answers every route, as every operator and no one, without a 5xx, a hang, a stack trace or a page for an odd id',
    { timeout: 600_000 },
    async () => {
      const findings: string[] = [];
      let sent = 0;
      for (const client of Object.keys(clients)) {
        const csrf = client === 'no one' ? undefined : await clients[client]!.csrf();
        for (const route of routes.filter((r) => r.path !== '/sign-out')) {
          // A route's requests IN_FLIGHT at a time: each waits mostly on its connection and on
          // Redis, and one at a time the sweep left the process idle between them.
          const queue = requestsFor(route, client, csrf);
          sent += queue.length;
          const sender = async () => {
            for (let req = queue.shift(); req; req = queue.shift()) {
              const problem = await problemWith(req).catch(
                (error: Error) => `no answer: ${error.message}`,
              );
              if (problem)
                findings.push(`${client} ${req.method} ${route.path} [${req.label}]: ${problem}`);
            }
          };
          await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
        }
      }
      console.log(`console sweep: ${sent} requests over ${routes.length} routes`);
      expect(findings).toEqual([]);
    },
  );
});
