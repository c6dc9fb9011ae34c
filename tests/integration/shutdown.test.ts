import { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../gateway/shared/shutdown.ts';
import { waitFor } from '../support/redis.ts';
import { startTestGateway } from '../support/test-gateway.ts';

function gatedRouter() {
  let release: () => void = () => undefined;
  let entered = false;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const router = Router();
  router.get('/slow', async (_req, res) => {
    entered = true;
    await gate;
    res.json({ finished: true });
  });
  return { router, release: () => release(), entered: () => entered };
}

describe('graceful shutdown', () => {
  it('drains: readyz 503, in-flight request finishes, closers run in order, new connections refused', async () => {
    const slow = gatedRouter();
    const gw = await startTestGateway({ routers: [slow.router] });
    const order: string[] = [];
    const stop = createShutdown({
      server: gw.server,
      lifecycle: gw.lifecycle,
      logger: gw.logger,
      timeoutMs: 5000,
      closers: [
        { name: 'queues', close: async () => void order.push('queues') },
        { name: 'redis', close: async () => void order.push('redis') },
      ],
    });

    const inFlight = fetch(`${gw.url}/slow`);
    await waitFor(() => slow.entered(), { what: 'request in flight' });
    const stopping = stop();
    expect(gw.lifecycle.draining).toBe(true);
    expect(order).toEqual([]);

    slow.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    expect(await stopping).toBe('clean');
    expect(order).toEqual(['queues', 'redis']);
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    gw.redis.disconnect();
  });

  it('answers /readyz 503 while draining', async () => {
    const gw = await startTestGateway();
    gw.lifecycle.startDraining();
    const res = await fetch(`${gw.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'draining' });
    await gw.close();
  });

  it('cuts a request that outlives the deadline and reports a forced stop', async () => {
    const slow = gatedRouter();
    const gw = await startTestGateway({ routers: [slow.router] });
    const stop = createShutdown({
      server: gw.server,
      lifecycle: gw.lifecycle,
      logger: gw.logger,
      timeoutMs: 200,
      closers: [],
    });
    const inFlight = fetch(`${gw.url}/slow`).catch((error: unknown) => error);
    await waitFor(() => slow.entered(), { what: 'request in flight' });
    expect(await stop()).toBe('forced');
    expect(await inFlight).toBeInstanceOf(Error);
    slow.release();
    gw.redis.disconnect();
  });
});
