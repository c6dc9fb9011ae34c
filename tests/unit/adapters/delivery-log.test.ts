// The log of one delivery attempt (adapters/kit/delivery-log.ts): every line it writes carries the
// case id and the attempt, as a pino child's would, but the child is made only for a line that is
// written — not for debug lines below the level, nor for the one line of a delivery that succeeds.
import { describe, expect, it, vi } from 'vitest';
import { DeliveryLog } from '../../../adapters/kit/delivery-log.ts';
import { memoryLogger } from '../../support/test-gateway.ts';

function capture(level: 'info' | 'debug') {
  const memory = memoryLogger(level);
  const parent = memory.logger.child({ adapter: 'sc-chengdu' });
  const children = vi.spyOn(parent, 'child');
  const lines = () =>
    memory.lines().map(({ time: _time, pid: _pid, hostname: _host, ...rest }) => rest);
  return { parent, children, lines };
}

describe('DeliveryLog', () => {
  it("writes a successful delivery's line with caseId and attempt, as a child would, without making one", () => {
    const { parent, children, lines } = capture('info');
    const log = new DeliveryLog(parent, 'SC-01JCASE', 2);
    log.debug({ status: 201 }, 'province call');
    log.infoOnce({ provinceCaseNo: 'CD-1', duplicate: false }, 'delivered');
    expect(children).not.toHaveBeenCalled();
    expect(lines()).toEqual([
      {
        level: 30,
        service: 'swgw',
        adapter: 'sc-chengdu',
        caseId: 'SC-01JCASE',
        attempt: 2,
        provinceCaseNo: 'CD-1',
        duplicate: false,
        msg: 'delivered',
      },
    ]);
  });

  it('writes debug lines with caseId and attempt when the logger is at debug', () => {
    const { parent, lines } = capture('debug');
    const log = new DeliveryLog(parent, 'SC-01JCASE', 1);
    log.debug({ status: 201 }, 'province call');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 20,
        caseId: 'SC-01JCASE',
        attempt: 1,
        status: 201,
        msg: 'province call',
      }),
    ]);
  });

  it('gives warn, error and info lines caseId and attempt through one child, made once', () => {
    const { parent, children, lines } = capture('info');
    const log = new DeliveryLog(parent, 'SC-01JCASE', 3);
    log.warn({ reason: 'busy' }, 'delivery failed; will retry unless last');
    log.error({ reason: 'gone' }, 'stored submission cannot be decrypted');
    log.info({}, 'cq token rejected; refreshing once');
    log.infoOnce({ provinceCaseNo: 'CD-2', duplicate: true }, 'delivered');
    expect(children).toHaveBeenCalledTimes(1);
    const written = lines();
    expect(written.map((l) => [l.level, l.msg, l.caseId, l.attempt])).toEqual([
      [40, 'delivery failed; will retry unless last', 'SC-01JCASE', 3],
      [50, 'stored submission cannot be decrypted', 'SC-01JCASE', 3],
      [30, 'cq token rejected; refreshing once', 'SC-01JCASE', 3],
      [30, 'delivered', 'SC-01JCASE', 3],
    ]);
    expect(written[3]).toMatchObject({ provinceCaseNo: 'CD-2', duplicate: true });
  });
});
