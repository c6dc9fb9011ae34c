// Provinces that stop talking (issue 12, defect 8; gateway/README.md#silence-reconciliation), end to
// end through the whole local system: a province that stops posting its events has its cases
// brought to CLOSED by status queries; a quiet province's "no news" is recorded once, not per
// query. (Sandbox restarts and a gateway that is down: province-restarts.test.ts.)
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterId } from '../../adapters/kit/registry.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import {
  deliveryQueue,
  readCase,
  startE2eSystem,
  statuses,
  submitFor,
  waitForHistory,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

const SILENCE_MS = 1000;
const LOOP = ['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERED'];

let sys: E2eSystem;
const redis = plainRedis();
const queues: Queue[] = [];
beforeAll(async () => {
  sys = await startE2eSystem(
    'e2e-silence',
    { GW_PROVINCE_SILENCE_MS: String(SILENCE_MS) },
    { quietSandboxes: ['yn'] },
  );
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await sys?.stop();
  redis.disconnect();
});

const sandbox = (id: AdapterId) => sys.sandboxes.get(id)!;
const posted = (id: AdapterId, caseId: string) =>
  sandbox(id)
    .events()
    .filter((e) => e.caseId === caseId);

describe('a province that stops posting its events', () => {
  it('has its case brought to CLOSED by status queries, each recorded as a status query', async () => {
    await sandbox('sc').setFaults({ silent: true });
    const caseId = await submitFor(sys, 'sc');
    const closed = await waitForStatus(sys, caseId, 'CLOSED', 5 * SILENCE_MS);
    await sandbox('sc').setFaults({ silent: false });

    expect(posted('sc', caseId).map((e) => e.status)).toEqual(Array(4).fill('silenced'));
    expect(statuses(closed)).toEqual([
      ...LOOP,
      'IN_PROGRESS',
      'IN_PROGRESS',
      'DECIDED',
      'RESULT_DELIVERED',
      'CLOSED',
    ]);
    const queried = closed.history.slice(4, 8);
    for (const entry of queried) expect(entry.actor).toBe('adapter:sc');
    expect(queried.map((h) => h.note)).toEqual([
      'status query: 已受理',
      'status query: 办理中',
      'status query',
      'status query: 结果已送达',
    ]);
    expect(closed.result).toMatchObject({ decision: 'approved' });
    // The province's own times, not the time of the query.
    expect(queried[0]!.at).toBe(sandbox('sc').history(caseId)[0]!.at);
  });
});

describe('a quiet province', () => {
  it('is asked again every silence period, and its "no change" is recorded once', async () => {
    const caseId = await submitFor(sys, 'yn');
    await waitForHistory(sys, caseId, 'DELIVERED');
    const queue = deliveryQueue(sys, 'yn', redis);
    queues.push(queue);
    const queries = async () =>
      (await queue.getJobs(['completed'])).filter(
        (job) => job.name === 'status-query' && (job.data as { caseId: string }).caseId === caseId,
      ).length;
    await waitFor(async () => (await queries()) >= 2, {
      timeoutMs: 4 * SILENCE_MS,
      what: 'two status queries of the quiet case',
    });
    const view = await readCase(sys, caseId);
    expect(view.status).toBe('DELIVERED');
    const notes = view.history.filter((h) => h.note?.startsWith('status query'));
    expect(notes).toEqual([
      expect.objectContaining({
        status: 'DELIVERED',
        actor: 'adapter:yn',
        note: 'status query: no change',
      }),
    ]);
  });
});
