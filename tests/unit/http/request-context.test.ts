import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { locals, requestContext } from '../../../gateway/http/request-context.ts';
import type { Logger } from '../../../gateway/shared/logger.ts';
import { ownAccessors } from '../../support/own-accessors.ts';

interface Line {
  logger: string;
  fields: Record<string, unknown>;
  message: string;
}

// A logger that records its lines and the children it builds (named by their bindings).
function recordingLogger(lines: Line[], name = 'root'): Logger & { children: number } {
  const logger = {
    children: 0,
    info: (fields: Record<string, unknown>, message: string) =>
      void lines.push({ logger: name, fields, message }),
    child(bindings: Record<string, unknown>) {
      logger.children++;
      return recordingLogger(lines, `child ${JSON.stringify(bindings)}`);
    },
  };
  return logger as unknown as Logger & { children: number };
}

function request(headers: Record<string, string> = {}) {
  const req = { method: 'POST', path: '/v1/cases', get: (name: string) => headers[name] };
  const sent: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    statusCode: 202,
    locals: {},
    headers: sent,
    setHeader(name: string, value: string) {
      sent[name] = value;
    },
  });
  return { req: req as unknown as Request, res: res as unknown as Response & typeof res };
}

function handle(logger: Logger, headers?: Record<string, string>) {
  const { req, res } = request(headers);
  let nextCalls = 0;
  requestContext(logger)(req, res, (() => void nextCalls++) as NextFunction);
  expect(nextCalls).toBe(1);
  return res;
}

describe('requestContext', () => {
  it('keeps a well-formed X-Request-Id, echoes it and puts it on the locals', () => {
    const res = handle(recordingLogger([]), { 'x-request-id': 'portal-sc-0001-abc' });
    expect(res.headers['X-Request-Id']).toBe('portal-sc-0001-abc');
    expect(locals(res).requestId).toBe('portal-sc-0001-abc');
  });

  it('logs the summary through the root logger with the request id when no handler logged', () => {
    const lines: Line[] = [];
    const root = recordingLogger(lines);
    const res = handle(root, { 'x-request-id': 'portal-sc-0001-abc' });
    res.emit('finish');
    expect(root.children).toBe(0);
    expect(lines).toEqual([
      {
        logger: 'root',
        fields: expect.objectContaining({
          requestId: 'portal-sc-0001-abc',
          method: 'POST',
          path: '/v1/cases',
          status: 202,
        }) as unknown,
        message: 'request',
      },
    ]);
  });

  it('builds one child logger bound to the request id on first use and logs the summary through it', () => {
    const lines: Line[] = [];
    const root = recordingLogger(lines);
    const res = handle(root, { 'x-request-id': 'portal-sc-0001-abc' });
    expect(locals(res).log).toBe(locals(res).log);
    res.emit('finish');
    expect(root.children).toBe(1);
    expect(lines.map((l) => [l.logger, l.message])).toEqual([
      ['child {"requestId":"portal-sc-0001-abc"}', 'request'],
    ]);
  });

  // V8 allocates the accessor pair of an Object.defineProperty in old space: a getter defined on
  // each request's locals kept that request's whole scope alive through young-generation GCs.
  it('defines no accessor on each request’s locals: the lazy logger is the class’s getter', () => {
    const first = handle(recordingLogger([]));
    const second = handle(recordingLogger([]));
    expect(ownAccessors(first.locals)).toEqual([]);
    expect(Object.getPrototypeOf(first.locals)).toBe(Object.getPrototypeOf(second.locals));
  });
});
