// The root logger's compiled redaction (gateway/shared/log-redactor.ts) censors exactly what
// pino's own `redact` option censors with the same paths: the same lines, byte for byte but the
// time, for objects that reach the paths at every depth, through arrays, errors and bindings.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, redactPaths, type Logger } from '../../../gateway/shared/logger.ts';
import { compileRedaction, pathTokens, redactValue } from '../../../gateway/shared/log-redactor.ts';

function capture(make: (stream: Writable) => Logger) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = make(stream);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      });
  return { logger, lines };
}

class ProvinceError extends Error {
  override name = 'ProvinceError';
  readonly phone = '13812345678';
  readonly detail = { name: '张三', code: 'E1' };
}

const applicant = {
  type: 'person',
  name: '张三',
  idNumber: '51010419850315231X',
  phone: '13812345678',
  contactName: '李四',
  contactIdNumber: '510104198503152311',
};

// Made once: their stacks (which pino writes) must be the same for both loggers.
const errors = {
  plain: new ProvinceError('refused'),
  first: new ProvinceError('first argument'),
  caused: new Error('outer', { cause: new ProvinceError('inner') }),
  other: new ProvinceError('under another key'),
};

/** Every way a personal or secret value can sit in a log call, and some that are left alone. */
function logEverything(logger: Logger) {
  logger.info({ caseId: '01J', attempt: 1, status: 201 }, 'plain');
  logger.warn({ envelope: { itemCode: 'GA-001', applicant, payload: { x: '王五' } } }, 'nested');
  logger.error({ applicant, secret: 's3cret', payload: [1, 2] }, 'top');
  logger.info({ name: '赵六', idNumber: undefined, address: { region: '510104' } }, 'top names');
  logger.info({ a: { b: { name: '钱七', c: { name: 'too deep' } } } }, 'depth');
  logger.info({ list: [{ name: '孙八' }, { phone: '13900000000', ok: true }] }, 'arrays');
  logger.info({ list: [[{ name: 'array in array' }]] }, 'arrays of arrays');
  logger.info(
    { req: { headers: { 'x-gw-signature': 'sig', authorization: 'Bearer x', cookie: 'c' } } },
    'request',
  );
  logger.info({ when: new Date(0), at: { when: new Date(1) } }, 'toJSON values');
  logger.error({ err: errors.plain }, 'an error');
  logger.error(errors.first);
  logger.error({ err: errors.caused }, 'a cause');
  logger.warn({ err: { name: '周九', message: 'not an Error' } }, 'error-shaped');
  logger.warn({ error: errors.other }, 'other key');
  const child = logger.child({ caseId: '01K', applicant: { name: '吴十' }, name: '郑一' });
  child.info({ detail: { residence: { address: '成都市武侯区人民南路1号' } } }, 'child');
  child.child({ adapter: 'sc' }).info({ phone: '13700000000' }, 'grandchild');
}

describe('compiled log redaction', () => {
  it('censors exactly what pino’s own path redaction censors', () => {
    const ours = capture((stream) => createLogger({ level: 'debug', env: 'test' }, stream));
    const pinos = capture((stream) =>
      pino(
        {
          level: 'debug',
          base: { service: 'swgw' },
          redact: { paths: redactPaths(), censor: '[masked]' },
        },
        stream,
      ),
    );
    logEverything(ours.logger);
    logEverything(pinos.logger);
    const written = ours.lines();
    expect(written).toEqual(pinos.lines());
    // And it did censor: no personal value of the calls above is left.
    const text = JSON.stringify(written);
    for (const value of [
      '张三',
      '李四',
      '王五',
      '赵六',
      '钱七',
      '孙八',
      '吴十',
      '郑一',
      '人民南路',
    ])
      expect(text).not.toContain(value);
    for (const value of ['13812345678', '13900000000', '13700000000', 's3cret', 'Bearer x'])
      expect(text).not.toContain(value);
    expect(text).toContain('too deep');
  });

  it('leaves the logged objects as they were', () => {
    const { logger } = capture((stream) => createLogger({ level: 'info', env: 'test' }, stream));
    const object = { applicant: { ...applicant }, list: [{ name: '孙八' }] };
    const before = structuredClone(object);
    logger.info(object, 'x');
    expect(object).toEqual(before);
  });

  it('reads pino path syntax', () => {
    expect(pathTokens('req.headers["x-gw-signature"]')).toEqual([
      'req',
      'headers',
      'x-gw-signature',
    ]);
    expect(pathTokens('*.*.name')).toEqual(['*', '*', 'name']);
    const top = compileRedaction(['a.*', 'b["c.d"]']);
    expect(redactValue({ a: { x: 1, y: [2] }, b: { 'c.d': 3, c: { d: 4 } } }, top, '#')).toEqual({
      a: { x: '#', y: '#' },
      b: { 'c.d': '#', c: { d: 4 } },
    });
  });

  it("masks a rotating client's previous secret as it masks its secret, at the top and nested", () => {
    const { logger, lines } = capture((stream) =>
      createLogger({ level: 'info', env: 'test' }, stream),
    );
    const client = { id: 'portal-sc', secret: 'n'.repeat(32), previousSecret: 'o'.repeat(32) };
    logger.info({ client, previousSecret: client.previousSecret }, 'client');
    expect(lines()[0]).toMatchObject({
      client: { id: 'portal-sc', secret: '[masked]', previousSecret: '[masked]' },
      previousSecret: '[masked]',
    });
  });
});
