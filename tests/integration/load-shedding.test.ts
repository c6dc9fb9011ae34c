// Load shedding (README.md#load-shedding): past GW_MAX_IN_FLIGHT requests in progress, the real
// gateway answers 503 GW_OVERLOADED with Retry-After before reading the body, health, readiness and
// metrics still answer, and a request that ends any way — completed, aborted by its client, timed
// out by the body timeout or by Node's request timeout — frees its slot, exactly once. A shed
// request is timed under route "shed" (it read as an unknown path, "unmatched"), and a shed console
// page asked for by a browser is the console's 503 page (it was problem+json).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { seriesValue } from '../support/metrics-text.ts';
import { problemOf, rawRequest } from '../support/raw-http.ts';
import { waitFor } from '../support/redis.ts';
import { allStarted } from '../support/settled.ts';

const IN_FLIGHT = 'gw_http_requests_in_flight';
const SHED = 'gw_http_requests_shed_total';
const DURATION = 'gw_http_request_duration_seconds';

let gw: ApiGateway;
let bodyTimeoutGw: ApiGateway;
let requestTimeoutGw: ApiGateway;
beforeAll(async () => {
  await allStarted([
    startApiGateway({ GW_MAX_IN_FLIGHT: '2', GW_RETRY_AFTER_SECONDS: '7' }).then((g) => (gw = g)),
    startApiGateway({ GW_MAX_IN_FLIGHT: '2', GW_BODY_TIMEOUT_MS: '1500' }).then(
      (g) => (bodyTimeoutGw = g),
    ),
    startApiGateway({
      GW_MAX_IN_FLIGHT: '2',
      GW_HEADERS_TIMEOUT_MS: '500',
      GW_REQUEST_TIMEOUT_MS: '1500',
      GW_BODY_TIMEOUT_MS: '60000',
    }).then((g) => (requestTimeoutGw = g)),
  ]);
});
afterAll(async () => {
  await Promise.all([gw?.close(), bodyTimeoutGw?.close(), requestTimeoutGw?.close()]);
});

const portOf = (g: ApiGateway) => Number(new URL(g.url).port);
const BODY = '{"itemCode":"SW-005"}';
const HEAD = `POST /v1/cases HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`;

/** A submission whose body stops after a few bytes: the gateway works on it, waiting for the rest. */
interface Held {
  socket: Socket;
  /** Sends the rest of the body, so the request completes. */
  complete(): void;
  /** What came back so far. */
  answer(): string;
  closed: Promise<void>;
}

function hold(g: ApiGateway): Held {
  const socket = connect(portOf(g), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(`${HEAD}${BODY.slice(0, 5)}`);
  return {
    socket,
    complete: () => socket.write(BODY.slice(5)),
    answer: () => Buffer.concat(chunks).toString('latin1'),
    closed,
  };
}

const inFlight = (g: ApiGateway) => seriesValue(`${g.url}/metrics`, IN_FLIGHT);

async function inFlightReaches(g: ApiGateway, count: number): Promise<void> {
  await waitFor(async () => (await inFlight(g)) === count, {
    what: `${count} requests in flight`,
  });
}

/** A whole unsigned submission: served means refused by the signature check, 401, not shed. */
const unsigned = (g: ApiGateway) =>
  fetch(`${g.url}/v1/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });

/** A third submission sending its headers only: answered, though its body never comes. */
const unreadSubmission = (g: ApiGateway) => rawRequest(portOf(g), HEAD, { timeoutMs: 15_000 });

describe('load shedding past GW_MAX_IN_FLIGHT', () => {
  it('answers a third request 503 GW_OVERLOADED with Retry-After before its body is sent, while two are held, and health, readiness and metrics still answer', async () => {
    const held = [hold(gw), hold(gw)];
    try {
      await inFlightReaches(gw, 2);
      const shedBefore = (await seriesValue(`${gw.url}/metrics`, SHED)) ?? 0;
      const third = await unreadSubmission(gw);
      expect(third.status).toBe(503);
      expect(third.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(third.headers['retry-after']).toBe('7');
      expect(third.headers.connection).toBe('close');
      expect(problemOf(third)).toMatchObject({ status: 503, code: 'GW_OVERLOADED' });
      // The held ones are still waiting for their bodies: nothing was answered to them.
      expect(held.map((h) => h.answer())).toEqual(['', '']);

      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
      expect(await seriesValue(`${gw.url}/metrics`, SHED)).toBe(shedBefore + 1);
      expect(await inFlight(gw)).toBe(2);
    } finally {
      held.forEach((h) => h.socket.destroy());
    }
    await inFlightReaches(gw, 0);
  });

  it('times a shed request in the duration histogram under route "shed", not "unmatched"', async () => {
    const series = (route: string) =>
      seriesValue(
        `${gw.url}/metrics`,
        `${DURATION}_count`,
        `{method="POST",route="${route}",status="503"}`,
      );
    const held = [hold(gw), hold(gw)];
    try {
      await inFlightReaches(gw, 2);
      const [shedBefore, unmatchedBefore] = [
        (await series('shed')) ?? 0,
        await series('unmatched'),
      ];
      expect((await unreadSubmission(gw)).status).toBe(503);
      await waitFor(async () => (await series('shed')) === shedBefore + 1, {
        what: 'the shed request timed under route "shed"',
      });
      expect(await series('unmatched')).toBe(unmatchedBefore);
    } finally {
      held.forEach((h) => h.socket.destroy());
    }
    await inFlightReaches(gw, 0);
  });

  it("answers a shed console page a browser asks for with the console's 503 page and Retry-After; a script asking for JSON gets the problem", async () => {
    const held = [hold(gw), hold(gw)];
    try {
      await inFlightReaches(gw, 2);
      const page = await fetch(`${gw.url}/console/cases`, {
        headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      });
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('retry-after')).toBe('7');
      // The console's own page headers, as on every console page.
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.headers.get('cache-control')).toBe('no-store');
      const body = await page.text();
      expect(body).toContain('data-status="503"');
      expect(body).toMatch(/id="error-detail">[^<]*<span class="en">[^<]*nothing was done/);

      const script = await fetch(`${gw.url}/console/cases`, {
        headers: { accept: 'application/json' },
      });
      expect(script.status).toBe(503);
      expect(script.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await script.json()).toMatchObject({ code: 'GW_OVERLOADED' });
    } finally {
      held.forEach((h) => h.socket.destroy());
    }
    await inFlightReaches(gw, 0);
  });

  it('serves new requests once a held request completes, and counts the one still held', async () => {
    const [first, second] = [hold(gw), hold(gw)];
    try {
      await inFlightReaches(gw, 2);
      expect((await unreadSubmission(gw)).status).toBe(503);
      first.complete();
      // Unsigned: refused by the signature check, after the body was read.
      await waitFor(() => first.answer().startsWith('HTTP/1.1 401'), { what: "first's answer" });
      await inFlightReaches(gw, 1);
      const next = await unsigned(gw);
      expect(next.status).toBe(401);
      expect(await inFlight(gw)).toBe(1);
    } finally {
      first.socket.destroy();
      second.socket.destroy();
    }
    await inFlightReaches(gw, 0);
  });

  it('frees the slots of held requests their clients abort, once each: two held again fill the bound and a third is shed', async () => {
    const aborted = [hold(gw), hold(gw)];
    await inFlightReaches(gw, 2);
    aborted.forEach((h) => h.socket.destroy());
    await inFlightReaches(gw, 0);

    const held = [hold(gw), hold(gw)];
    try {
      await inFlightReaches(gw, 2);
      expect((await unreadSubmission(gw)).status).toBe(503);
    } finally {
      held.forEach((h) => h.socket.destroy());
    }
    await inFlightReaches(gw, 0);
    const served = await unsigned(gw);
    expect(served.status).toBe(401);
  });

  it('frees the slots of held requests the body timeout ends with 408: the count returns to 0 and new requests are served', async () => {
    const held = [hold(bodyTimeoutGw), hold(bodyTimeoutGw)];
    await Promise.all(held.map((h) => h.closed));
    expect(held.map((h) => h.answer().slice(0, 12))).toEqual(['HTTP/1.1 408', 'HTTP/1.1 408']);
    await inFlightReaches(bodyTimeoutGw, 0);
    const served = await unsigned(bodyTimeoutGw);
    expect(served.status).toBe(401);
  });

  it("frees the slots of held requests Node's request timeout ends: the count returns to 0 and new requests are served", async () => {
    const held = [hold(requestTimeoutGw), hold(requestTimeoutGw)];
    await Promise.all(held.map((h) => h.closed));
    await inFlightReaches(requestTimeoutGw, 0);
    const served = await unsigned(requestTimeoutGw);
    expect(served.status).toBe(401);
  });
});
