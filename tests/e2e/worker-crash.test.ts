// Issue 6: "a worker process killed mid-delivery → the stalled job is recovered and the province
// still holds exactly one case". The yn worker runs in a child process; its delivery is held in
// flight by the sandbox's latency, observed through a TCP tap, and the child is SIGKILLed. Another
// worker with a short lock finds the stalled job and delivers it again: at-least-once delivery,
// deduplicated by the province's idempotency table on the case id.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS } from '../../adapters/kit/registry.ts';
import { startWorkers, type RunningWorkers } from '../../adapters/worker-process.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
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

let sys: E2eSystem;
let tap: TcpTap;
let child: ChildProcess | undefined;
let rescuer: RunningWorkers | undefined;
let queue: Queue;
const redis = plainRedis();

beforeAll(async () => {
  // yn's worker is not in this process, and its sandbox posts no events: the case stays DELIVERED.
  sys = await startE2eSystem('e2e-crash', LOCK, {
    workerAdapters: ADAPTER_IDS.filter((id) => id !== 'yn'),
    quietSandboxes: ['yn'],
  });
  tap = await startTcpTap(sys.sandboxUrls.yn);
  queue = deliveryQueue(sys, 'yn', redis);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await rescuer?.stop();
  await queue?.close();
  await tap?.close();
  await sys?.stop();
  redis.disconnect();
});

function startChildWorker(): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [childScript], {
    env: {
      ...process.env,
      ...LOCK,
      REDIS_URL: sys.config.redisUrl,
      GW_KEY_PREFIX: sys.config.keyPrefix,
      GW_ENV: 'test',
      LOG_LEVEL: 'silent',
      E2E_ADAPTER: 'yn',
      E2E_SANDBOX_URL: tap.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return until(
    () => {
      if (worker.exitCode !== null) throw new Error(`worker child exited: ${output}`);
      return output.includes('ready') ? worker : undefined;
    },
    { timeoutMs: 20_000, what: 'the worker child to be ready' },
  );
}

describe('a worker process killed mid-delivery', () => {
  it('leaves a stalled job that another worker recovers; the province holds one case', async () => {
    const yn = sys.sandboxes.get('yn')!;
    await yn.setFaults({ latencyMs: 2000 });
    child = await startChildWorker();

    const caseId = await submitFor(sys, 'yn');
    // The child has taken the job and its whole request is at the province, awaiting an answer.
    await waitFor(() => tap.sent().includes(caseId) && tap.sent().includes('</PACKAGE>'), {
      timeoutMs: 10_000,
      what: 'the child to send the case to yn',
    });
    expect(await (await queue.getJob(caseId))!.getState()).toBe('active');

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    expect(await exited).toBeNull(); // killed by a signal, no exit code
    expect(yn.received()).toHaveLength(0); // the province has not answered yet
    await yn.setFaults({ latencyMs: 0 });

    // A fresh worker with a short lock finds the job stalled and runs it again.
    const settings = loadAdapterSettings({ env: sys.config.env });
    rescuer = await startWorkers(sys.config, createLogger({ level: 'silent', env: 'test' }), {
      adapters: ['yn'],
      adapterSettings: withBaseUrls(settings, { yn: sys.sandboxUrls.yn }),
    });
    const delivered = await waitForStatus(sys, caseId, 'DELIVERED', 20_000);

    // Both deliveries reached the province (the killed one is answered into the void), which
    // kept one case under our case id.
    await waitFor(() => yn.received()[0]?.deliveries === 2, {
      timeoutMs: 10_000,
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
