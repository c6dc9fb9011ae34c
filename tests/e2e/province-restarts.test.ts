// A province's own restarts and a gateway that is down (issue 12, defect 8;
// adapters/README.md#sandbox-persistence), end to end through the whole local system with the
// sandboxes keeping their journals in a data folder: a sandbox restarted mid-progression resumes
// from its journal and the case closes; an event post that meets a gateway that is down is retried
// until the gateway is back. The silence watch stays at its default (30 min), so every event in
// these histories was posted by the province, none found by a status query.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterId } from '../../adapters/kit/registry.ts';
import { waitFor } from '../support/redis.ts';
import {
  startE2eSystem,
  statuses,
  submitFor,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-e2e-sandboxes-'));
let sys: E2eSystem;
beforeAll(async () => {
  sys = await startE2eSystem(
    'e2e-restarts',
    {},
    {
      progressionDelayMs: 150,
      sandboxDataDir: sandboxDir,
      eventRetry: { baseMs: 50, maxMs: 400, forMs: 60_000 },
    },
  );
});
afterAll(async () => {
  await sys?.stop();
  rmSync(sandboxDir, { recursive: true, force: true });
});

const sandbox = (id: AdapterId) => sys.sandboxes.get(id)!;
const posted = (id: AdapterId, caseId: string) =>
  sandbox(id)
    .events()
    .filter((e) => e.caseId === caseId);

describe('a sandbox restarted mid-progression', () => {
  it('resumes from its journal: no second provincial case, the remaining events, the case closes', async () => {
    const caseId = await submitFor(sys, 'gz');
    await waitFor(() => posted('gz', caseId).length >= 1, {
      what: 'gz to post its first event',
    });
    const before = sandbox('gz')
      .received()
      .find((r) => r.caseId === caseId)!;
    const restarted = await sys.restartSandbox('gz');
    const held = restarted.received().filter((r) => r.caseId === caseId);
    expect(held).toEqual([
      expect.objectContaining({ provinceCaseNo: before.provinceCaseNo, deliveries: 1 }),
    ]);

    const closed = await waitForStatus(sys, caseId, 'CLOSED', 10_000);
    // The new instance posted what was still owed (at least decided and result-delivered); it
    // settles a post once the gateway's answer arrives, just after the gateway has applied it.
    await waitFor(
      () => restarted.events().filter((e) => e.caseId === caseId && e.status === 200).length >= 2,
      { what: 'the restarted sandbox to settle its posts' },
    );
    expect(statuses(closed).slice(4)).toEqual([
      'IN_PROGRESS',
      'IN_PROGRESS',
      'DECIDED',
      'RESULT_DELIVERED',
      'CLOSED',
    ]);
    // Posted by the province itself, in order, each once.
    for (const entry of closed.history.slice(4, 8)) expect(entry.actor).toBe('province-gz');
    expect(closed.provinceCaseNo).toBe(before.provinceCaseNo);
  });
});

describe('an event post that meets a gateway that is down', () => {
  it('is retried until the gateway is back, and the case closes on the province’s own events', async () => {
    const caseId = await submitFor(sys, 'cq');
    // Stopped before the province can post anything: the worker (its relay too) delivers the case
    // without the gateway, so the first post meets a gateway that is down however slow the
    // machine. Stopped after DELIVERED instead, a province quicker than the test (150 ms) could
    // post its first event before the stop, once in a few loaded runs.
    await sys.gateway.stop();
    await waitFor(() => sandbox('cq').history(caseId).length >= 2, {
      what: 'cq to move the case on while the gateway is down',
    });
    await sys.restartGateway();

    const closed = await waitForStatus(sys, caseId, 'CLOSED', 10_000);
    for (const entry of closed.history.slice(4, 8)) expect(entry.actor).toBe('province-cq');
    const first = posted('cq', caseId)[0]!;
    expect(first).toMatchObject({ type: 'accepted', status: 200 });
    expect(first.attempts).toBeGreaterThan(1);
  });
});
