import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { routesFor, type ApiRequest } from '../../../gateway/http/api-route.ts';
import { routeRouter } from '../../../gateway/http/mount-routes.ts';
import { requestContext } from '../../../gateway/http/request-context.ts';
import type { Logger } from '../../../gateway/shared/logger.ts';
import { ownAccessors } from '../../support/own-accessors.ts';

// A root logger that counts the children built from it.
function countingLogger(): Logger & { children: number } {
  const logger = {
    children: 0,
    info: () => undefined,
    child() {
      logger.children++;
      return logger;
    },
  };
  return logger as unknown as Logger & { children: number };
}

const route = routesFor<{ name: string }>();
const operation = { operationId: 'ping', tags: [], summary: 'ping', responses: {} };

// Runs one GET /ping through a router of one public row and resolves with what its handler saw
// and what the response was sent.
function ping(
  logger: Logger,
  handler: (request: ApiRequest<{ name: string }>) => Record<string, unknown>,
): Promise<{ request: ApiRequest<{ name: string }>; sent: unknown }> {
  return new Promise((resolve, reject) => {
    let seen: ApiRequest<{ name: string }> | undefined;
    const router = routeRouter(
      [
        route({
          method: 'get',
          path: '/ping',
          clients: 'public',
          operation,
          handler: (request) => {
            seen = request;
            return { status: 200, body: handler(request) };
          },
        }),
      ],
      { name: 'deps' },
    );
    const headers: Record<string, string> = { 'x-probe': 'probe value' };
    const req = { method: 'GET', url: '/ping', headers, get: (name: string) => headers[name] };
    const res = Object.assign(new EventEmitter(), {
      locals: {},
      setHeader: () => undefined,
      set: () => res,
      status: () => res,
      json: (sent: unknown) => resolve({ request: seen!, sent }),
    });
    const context = requestContext(logger);
    context(req as unknown as Request, res as unknown as Response, () => {
      router(req as unknown as Request, res as unknown as Response, (error?: unknown) =>
        reject(error instanceof Error ? error : new Error('no route took GET /ping')),
      );
    });
  });
}

describe('routeRouter', () => {
  // V8 allocates the accessor pair of an object literal's `get x()` in old space: a getter on each
  // request's ApiRequest kept the request and the response alive through young-generation GCs.
  it('hands each handler a request that defines no accessor of its own: the getters are its class’s', async () => {
    const first = await ping(countingLogger(), () => ({}));
    const second = await ping(countingLogger(), () => ({}));
    expect(ownAccessors(first.request)).toEqual([]);
    expect(Object.getPrototypeOf(first.request)).toBe(Object.getPrototypeOf(second.request));
    expect(ownAccessors(Object.getPrototypeOf(first.request) as object)).toEqual(
      expect.arrayContaining(['client', 'log', 'requestId']),
    );
  });

  it('gives destructured header, checked, requestId and deps, and builds no child logger unless the handler logs', async () => {
    const logger = countingLogger();
    let settled = false;
    const { sent } = await ping(logger, ({ header, checked, requestId, deps }) => {
      void checked().then(() => (settled = true));
      return { probe: header('x-probe'), requestId, deps: deps.name };
    });
    expect(sent).toEqual({ probe: 'probe value', requestId: expect.any(String), deps: 'deps' });
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(logger.children).toBe(0);
  });

  it('builds the child logger when the handler reads log', async () => {
    const logger = countingLogger();
    await ping(logger, ({ log }) => ({ logs: typeof log.info }));
    expect(logger.children).toBe(1);
  });
});
