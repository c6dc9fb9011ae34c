// Operators replaying the same dead letters at once (gateway/README.md#dead-letters): two single
// replays of each letter from two operators, over HTTP, beside a bulk replay of their adapter and
// kind. The replay is one Lua step from DELIVERY_FAILED, so each letter is replayed exactly once —
// one history entry, one job in its queue — whoever wins; the others are told 409 or skipped, and
// the dead-letter list and its index (per adapter and kind) are left empty, agreeing.
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../support/api-gateway.ts';
import { storeDeadLetters } from '../support/dead-letters.ts';

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' });
});
afterAll(async () => {
  await gw?.close();
});

const LETTERS = 30;

function replay(operator: string, caseId: string) {
  return gw
    .client(operator)
    .request<{ status: string; code?: string }>(
      'POST',
      `/v1/admin/dead-letters/${caseId}/replay`,
      {},
    );
}

describe('replays of one dead letter racing each other and a bulk replay', () => {
  it(`replays each of ${LETTERS} letters once — one ROUTED entry after its failure, one waiting job — answers only 200 and 409, and leaves the list and its index empty`, async () => {
    const ids = await storeDeadLetters(gw.services.store, LETTERS, {
      adapter: 'yn',
      reason: 'gave up after 5 attempts: connect ECONNREFUSED',
    });
    const bulk = gw
      .client('operator-dev')
      .request<{ replayed: string[]; skipped: unknown[] }>(
        'POST',
        '/v1/admin/dead-letters/replay',
        { json: { adapter: 'yn', kind: 'gave-up', limit: LETTERS } },
      );
    const singles = ids.flatMap((id) => [replay('operator-dev', id), replay('operator-dev-2', id)]);
    const [bulkAnswer, ...answers] = await Promise.all([bulk, ...singles]);
    expect(bulkAnswer.status).toBe(200);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 409)).toEqual([]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.body.code).toBe('GW_ILLEGAL_TRANSITION');
    // Every letter replayed by exactly one of the three.
    const won = answers.filter((a) => a.status === 200).length + bulkAnswer.body.replayed.length;
    expect(won).toBe(LETTERS);
    const queue = gw.services.queues.queue('yn');
    for (const id of ids) {
      const record = await gw.services.store.get(id);
      expect(record?.status).toBe('ROUTED');
      const statuses = (await gw.services.store.history(id)).map((h) => h.status);
      expect(statuses.slice(statuses.indexOf('DELIVERY_FAILED'))).toEqual([
        'DELIVERY_FAILED',
        'ROUTED',
      ]);
      expect(await (await Job.fromId(queue, id))?.getState()).toBe('waiting');
    }
    const { tallies, listed, indexed } = await gw.services.store.deadLetterTallies({});
    expect({ tallies, listed, indexed }).toEqual({ tallies: [], listed: 0, indexed: 0 });
  });
});
