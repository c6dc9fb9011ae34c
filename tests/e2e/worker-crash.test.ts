// Issue 6: "a worker process killed mid-delivery → the stalled job is recovered and the province
// still holds exactly one case". The yn worker runs in a child process; its delivery is held in
// flight by the sandbox's latency, observed through a TCP tap, and the child is SIGKILLed. Another
// worker with a short lock finds the stalled job and delivers it again: at-least-once delivery,
// deduplicated by the province's idempotency table on the case id.
//
// Issue 12, fault figures scenario (iii): the gz worker killed mid-batch — some cases delivered,
// some in flight, some waiting — and a fresh worker takes over; every case closes, none is lost or
// held twice by the province (README.md#fault-figures).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { readJournal } from '../../adapters/kit/sandbox-journal.ts';
import { ADAPTER_IDS, type AdapterId } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import { measureFaultFigures, printFaultFigures, storedCases } from './support/fault-figures.ts';
import { LOAD } from './support/fault-settings.ts';
import { startTcpTap, type TcpTap } from './support/tcp-tap.ts';
import {
  deliveryQueue,
  startE2eSystem,
  statuses,
  submitFor,
  until,
  waitForStatus,
  type E2eSystem,
} from './support/system.ts';

const LOCK = { GW_WORKER_LOCK_DURATION_MS: '1000', GW_WORKER_STALLED_INTERVAL_MS: '500' };
const childScript = new URL('./support/worker-child.ts', import.meta.url).pathname;

const sandboxDir = mkdtempSync(join(tmpdir(), 'swgw-crash-sandboxes-'));
let sys: E2eSystem;
let tap: TcpTap;
const children: ChildProcess[] = [];
const rescuers: RunningWorkers[] = [];
let queue: Queue;
const redis = plainRedis();

beforeAll(async () => {
  // yn's and gz's workers are not in this process; yn's sandbox posts no events (its case stays
  // DELIVERED), gz's progresses its cases to CLOSED.
  sys = await startE2eSystem('e2e-crash', LOCK, {
    workerAdapters: ADAPTER_IDS.filter((id) => id !== 'yn' && id !== 'gz'),
    quietSandboxes: ['yn'],
    sandboxDataDir: sandboxDir,
  });
  tap = await startTcpTap(sys.sandboxUrls.yn);
  queue = deliveryQueue(sys, 'yn', redis);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(rescuers.map((r) => r.stop()));
  await queue?.close();
  await tap?.close();
  await sys?.stop();
  redis.disconnect();
  rmSync(sandboxDir, { recursive: true, force: true });
});

function startChildWorker(adapter: AdapterId, sandboxUrl: string): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [childScript], {
    env: {
      ...process.env,
      ...LOCK,
      REDIS_URL: sys.config.redisUrl,
      GW_KEY_PREFIX: sys.config.keyPrefix,
      GW_ENV: 'test',
      LOG_LEVEL: 'silent',
      E2E_ADAPTER: adapter,
      E2E_SANDBOX_URL: sandboxUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(worker);
  let output = '';
  worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return until(
    () => {
      if (worker.exitCode !== null) throw new Error(`worker child exited: ${output}`);
      return output.includes('ready') ? worker : undefined;
    },
    { timeoutMs: 60_000, what: 'the worker child to be ready' },
  );
}

/** A fresh worker for `adapter` in this process, with the system's short lock. */
async function startRescuer(adapter: AdapterId): Promise<void> {
  const settings = loadAdapterSettings({ env: sys.config.env });
  const rescuer = await startWorkers(sys.config, createLogger({ level: 'silent', env: 'test' }), {
    adapters: [adapter],
    adapterSettings: withBaseUrls(settings, { [adapter]: sys.sandboxUrls[adapter] }),
  });
  rescuers.push(rescuer);
}

describe('a worker process killed mid-delivery', () => {
  it('leaves a stalled job that another worker recovers; the province holds one case', async () => {
    const yn = sys.sandboxes.get('yn')!;
    await yn.setFaults({ latencyMs: 2000 });
    const child = await startChildWorker('yn', tap.url);

    const caseId = await submitFor(sys, 'yn');
    // The child has taken the job and its whole request is at the province, awaiting an answer.
    await waitFor(() => tap.sent().includes(caseId) && tap.sent().includes('</PACKAGE>'), {
      what: 'the child to send the case to yn',
    });
    expect(await (await queue.getJob(caseId))!.getState()).toBe('active');

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    expect(await exited).toBeNull(); // killed by a signal, no exit code
    expect(yn.received()).toHaveLength(0); // the province has not answered yet
    await yn.setFaults({ latencyMs: 0 });

    // A fresh worker with a short lock finds the job stalled and runs it again.
    await startRescuer('yn');
    const delivered = await waitForStatus(sys, caseId, 'DELIVERED', 20_000);

    // Both deliveries reached the province (the killed one is answered into the void), which
    // kept one case under our case id.
    await waitFor(() => yn.received()[0]?.deliveries === 2, {
      what: 'the killed delivery to be processed by the province too',
    });
    const held = yn.received();
    expect(held).toHaveLength(1);
    expect(held[0]!.caseId).toBe(caseId);
    expect(delivered.provinceCaseNo).toBe(held[0]!.provinceCaseNo);
    expect(statuses(delivered)).toEqual(['SUBMITTED', 'ACCEPTED', 'ROUTED', 'DELIVERED']);
    expect(delivered.history[3]!.actor).toBe('adapter:yn');
    const job = await queue.getJob(caseId);
    expect(await job?.getState()).toBe('completed');
    // Recovered as stalled once, never failed: the crash cost the case no attempt.
    expect(job?.stalledCounter).toBe(1);
    expect(job?.failedReason).toBeFalsy();
  });
});

describe('a worker process killed mid-batch', () => {
  it(
    'leaves no case lost, stuck or delivered twice once another worker takes over',
    { timeout: LOAD.testTimeoutMs },
    async () => {
      const gz = sys.sandboxes.get('gz')!;
      const storedBefore = await storedCases(redis, sys.config.keyPrefix);
      // Each answer takes a while: with its concurrency of 4 the child always has cases in flight.
      await gz.setFaults({ latencyMs: 400 });
      const child = await startChildWorker('gz', sys.sandboxUrls.gz);
      const caseIds = await Promise.all(Array.from({ length: 24 }, () => submitFor(sys, 'gz')));
      const held = () => readJournal(join(sandboxDir, 'gz.jsonl')).filter((e) => e.k === 'case');
      const gzQueue = deliveryQueue(sys, 'gz', redis);
      try {
        // Mid-batch: some delivered, some in flight at the child, the rest waiting.
        await waitFor(async () => held().length >= 4 && (await gzQueue.getActiveCount()) > 0, {
          timeoutMs: 20_000,
          what: 'the child to be mid-batch',
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        expect(await exited).toBeNull();
        expect(held().length).toBeLessThan(caseIds.length);
        await gz.setFaults({ latencyMs: 0 });
        await startRescuer('gz');

        const figures = await measureFaultFigures({
          redis,
          prefix: sys.config.keyPrefix,
          submissions: caseIds.map((caseId, n) => ({ key: `batch-${n}`, caseId, answers: [202] })),
          sandboxDir,
          closeWithinMs: LOAD.closeWithinMs,
          storedBefore,
        });
        printFaultFigures('gz worker SIGKILL mid-batch (24 cases)', figures);
        expect(figures).toMatchObject({
          accepted: 24,
          lost: 0,
          stuck: 0,
          deliveredTwice: 0,
          stored: 24,
        });
      } finally {
        await gzQueue.close();
      }
    },
  );
});
