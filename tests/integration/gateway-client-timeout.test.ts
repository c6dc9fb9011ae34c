// The shipped signing client's deadline (README.md#clients-and-signing-every-v1-call): against a
// gateway that takes the connection and never answers, a request rejects with GatewayTimeoutError
// once its timeoutMs ran out, and lets go of the connection; a caller's own AbortSignal ends it
// with the caller's reason instead. Real sockets: the stand-in is a plain TCP server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, GatewayTimeoutError } from '../../gateway/client/gateway-client.ts';
import { waitFor } from '../support/redis.ts';
import { startSilentGateway, type SilentGateway } from '../support/silent-gateway.ts';

let silent: SilentGateway;
beforeAll(async () => {
  silent = await startSilentGateway();
});
afterAll(async () => silent?.close());
// Every request given up on lets go of its connection.
afterEach(() => waitFor(() => silent.openConnections() === 0, { what: 'the connections closed' }));

const credentials = { clientId: 'portal-sc', secret: 'dev-portal-sc-secret' };

describe('a gateway that never answers', () => {
  it('rejects a submission with GatewayTimeoutError naming the request and its timeoutMs, after sending it', async () => {
    const client = new GatewayClient(silent.url, credentials, { timeoutMs: 100 });
    const before = silent.requests().length;
    const error = await client.submitCase({ itemCode: 'SW-005' }, 'timeout-test-1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayTimeoutError);
    expect(error).toMatchObject({
      name: 'GatewayTimeoutError',
      timeoutMs: 100,
      message: 'the gateway did not answer POST /v1/cases within 100 ms',
    });
    expect(silent.requests().slice(before)).toEqual(['POST /v1/cases HTTP/1.1']);
  });

  it("takes a request's own timeoutMs over the client's", async () => {
    const client = new GatewayClient(silent.url, credentials, { timeoutMs: 600_000 });
    await expect(client.getCase('01JCASE', { timeoutMs: 50 })).rejects.toThrow(
      'the gateway did not answer GET /v1/cases/01JCASE within 50 ms',
    );
  });

  it("ends the request with the caller's AbortSignal reason, not a timeout, when the caller aborts first", async () => {
    const client = new GatewayClient(silent.url, credentials, { timeoutMs: 600_000 });
    const caller = new AbortController();
    const before = silent.requests().length;
    const pending = client.request('GET', '/v1/divisions/530323', { signal: caller.signal });
    await waitFor(() => silent.requests().length > before, { what: 'the request received' });
    const reason = new Error('the page was closed');
    caller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('the timeout setting', () => {
  it('defaults to 10 s and refuses a timeout that is not a whole number of ms above 0', () => {
    expect(new GatewayClient(silent.url, credentials).timeoutMs).toBe(10_000);
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new GatewayClient(silent.url, credentials, { timeoutMs })).toThrow(RangeError);
  });
});
