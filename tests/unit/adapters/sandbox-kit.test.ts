// The shared sandbox pieces: the idempotency table, the fault knobs (down is a refused connection
// and comes back on the same port), and the event progression's retry and stop rules.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  caseNumber,
  EventProgression,
  IdempotencyTable,
  SandboxServer,
  type SandboxReply,
} from '../../../adapters/kit/sandbox-kit.ts';
import { startEventSink, waitFor } from '../../support/province-test-kit.ts';

const servers: SandboxServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function startEcho(exempt = '/exempt') {
  const server = new SandboxServer({
    handle: (): SandboxReply => ({ status: 200, body: { ok: true } }),
    transientReply: () => ({ status: 503, body: { busy: true } }),
    permanentReply: () => ({ status: 422, body: { refused: true } }),
    faultsApply: (request) => request.path !== exempt,
  });
  servers.push(server);
  const { url } = await server.start(0);
  const call = async (path = '/') => (await fetch(`${url}${path}`, { method: 'POST' })).status;
  return { server, url, call };
}

describe('IdempotencyTable', () => {
  it('keeps one record per case id and counts the deliveries', () => {
    const table = new IdempotencyTable((seq) => caseNumber('T', seq));
    const first = table.receive('case-1', { a: 1 });
    const again = table.receive('case-1', { a: 1 });
    const other = table.receive('case-2', { a: 2 });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ record: first.record, duplicate: true });
    expect(first.record.deliveries).toBe(2);
    expect(other.record.provinceCaseNo).not.toBe(first.record.provinceCaseNo);
    expect(first.record.provinceCaseNo).toMatch(/^T\d{8}000001$/);
    expect(table.all()).toHaveLength(2);
  });
});

describe('SandboxServer knobs', () => {
  it('refuses the next N deliveries, then answers normally', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ refuseNext: 2 });
    expect([await call(), await call(), await call()]).toEqual([422, 422, 200]);
    expect(server.faults.refuseNext).toBe(0);
  });

  it('answers the transient reply at errorRate 1 and spares exempt paths', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ errorRate: 1 });
    expect(await call()).toBe(503);
    expect(await call('/exempt')).toBe(200);
    await expect(server.setFaults({ errorRate: 2 })).rejects.toBeInstanceOf(RangeError);
  });

  it('is unreachable while down and back on the same port when up', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ down: true });
    const error = (await call().catch((e: unknown) => e)) as { cause?: { code?: string } };
    expect(error.cause?.code).toBe('ECONNREFUSED');
    await server.setFaults({ down: false });
    expect(await call()).toBe(200);
  });

  it('delays answers by latencyMs', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ latencyMs: 120 });
    const started = performance.now();
    await call();
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('EventProgression', () => {
  it('is off without a gateway URL or when disabled', () => {
    expect(new EventProgression('sc').enabled).toBe(false);
    expect(
      new EventProgression('sc', { gatewayUrl: 'http://x', secret: 's', enabled: false }).enabled,
    ).toBe(false);
    expect(() => new EventProgression('sc', { gatewayUrl: 'http://x' })).toThrow(/secret/);
  });

  it('ends the script at a refused event (4xx other than 409/429) without retrying it', async () => {
    const sink = await startEventSink('province-sc');
    const progression = new EventProgression('sc', {
      gatewayUrl: sink.url,
      secret: 'not-the-secret',
      delaysMs: 0,
      retryBaseMs: 1,
    });
    progression.begin('case-1', 'SC1');
    await progression.idle();
    expect(progression.posted()).toEqual([
      expect.objectContaining({ caseId: 'case-1', type: 'accepted', status: 401, attempts: 1 }),
    ]);
    await sink.close();
  });

  it('retries a gateway that cannot be reached, then gives up on that case', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    const progression = new EventProgression('sc', {
      gatewayUrl: `http://127.0.0.1:${port}`,
      secret: 's',
      delaysMs: 0,
      postAttempts: 3,
      retryBaseMs: 1,
    });
    progression.begin('case-1', 'SC1');
    await progression.idle();
    expect(progression.posted()).toEqual([
      expect.objectContaining({ type: 'accepted', status: 'error', attempts: 3 }),
    ]);
  });

  it('posts per-step delays in order, and stop() cancels what has not been posted', async () => {
    const sink = await startEventSink('province-sc');
    const progression = new EventProgression('sc', {
      gatewayUrl: sink.url,
      secret: sink.secret,
      delaysMs: { accepted: 0, 'in-progress': 0, decided: 0, 'result-delivered': 60_000 },
      decide: () => ({ decision: 'rejected', summary: '材料不全' }),
    });
    progression.begin('case-1', 'SC1');
    await waitFor(() => sink.events.length === 3);
    await progression.stop();
    expect(sink.events.map((e) => e.body.type)).toEqual(['accepted', 'in-progress', 'decided']);
    expect(sink.events[0]?.body.provinceCaseNo).toBe('SC1');
    expect(sink.events[2]?.body.result).toEqual({ decision: 'rejected', summary: '材料不全' });
    expect(progression.posted().map((e) => e.status)).toEqual([202, 202, 202]);
    await sink.close();
  });
});
