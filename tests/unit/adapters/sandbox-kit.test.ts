// The shared sandbox pieces: the idempotency table and its journal (a restarted table knows its
// cases), the fault knobs (down is a refused connection and comes back on the same port), and the
// event progression: its outbox's retries, the silent knob, stop, and resuming from the journal
// (adapters/README.md#sandbox-persistence).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SandboxJournal } from '../../../adapters/kit/sandbox-journal.ts';
import {
  caseNumber,
  EventProgression,
  IdempotencyTable,
  SandboxServer,
  type ProgressionOptions,
  type SandboxReply,
} from '../../../adapters/kit/sandbox-kit.ts';
import { validExample } from '../../support/api-gateway.ts';
import { startEventSink, waitFor } from '../../support/province-test-kit.ts';

const dataDirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-sandbox-'));
  dataDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function progressionOn(
  options: ProgressionOptions,
  journal = new SandboxJournal('sc'),
  silent = () => false,
) {
  return new EventProgression('sc', options, { journal, silent });
}

const servers: SandboxServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function startEcho(exempt = '/exempt') {
  const server = new SandboxServer({
    handle: (): SandboxReply => ({ status: 200, body: { ok: true } }),
    transientReply: () => ({ status: 503, body: { busy: true } }),
    permanentReply: () => ({ status: 422, body: { refused: true } }),
    faultsApply: (request) => request.path !== exempt,
  });
  servers.push(server);
  const { url } = await server.start(0);
  const call = async (path = '/') => (await fetch(`${url}${path}`, { method: 'POST' })).status;
  return { server, url, call };
}

describe('IdempotencyTable', () => {
  it('keeps one record per case id and counts the deliveries', () => {
    const table = new IdempotencyTable((seq) => caseNumber('T', seq), new SandboxJournal('t'));
    const first = table.receive('case-1', { a: 1 });
    const again = table.receive('case-1', { a: 1 });
    const other = table.receive('case-2', { a: 2 });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ record: first.record, duplicate: true });
    expect(first.record.deliveries).toBe(2);
    expect(other.record.provinceCaseNo).not.toBe(first.record.provinceCaseNo);
    expect(first.record.provinceCaseNo).toMatch(/^T\d{8}000001$/);
    expect(table.all()).toHaveLength(2);
  });

  it('numbers a province case with the China day it was received on, not the UTC day before it', () => {
    // 2026-11-30T23:30Z is 07:30 on 1 December in Kunming.
    expect(caseNumber('YN', 7, new Date('2026-11-30T23:30:00Z'))).toBe('YN20261201000007');
    expect(caseNumber('YN', 8, new Date('2026-11-30T15:59:59Z'))).toBe('YN20261130000008');
  });

  it('knows its cases again after a restart on the same data folder, without their data', () => {
    const dir = dataDir();
    const first = new IdempotencyTable((seq) => caseNumber('T', seq), new SandboxJournal('t', dir));
    const { record } = first.receive('case-1', { name: '张三' });
    first.receive('case-1', { name: '张三' });
    const restarted = new IdempotencyTable(
      (seq) => caseNumber('T', seq),
      new SandboxJournal('t', dir),
    );
    const again = restarted.receive('case-1', { name: '张三' });
    expect(again.duplicate).toBe(true);
    expect(again.record).toMatchObject({ provinceCaseNo: record.provinceCaseNo, deliveries: 3 });
    expect(again.record.data).toBeUndefined();
    expect(restarted.sameDelivery('case-1', { name: '张三' })).toBe(true);
    expect(restarted.sameDelivery('case-1', { name: '李四' })).toBe(false);
    expect(restarted.receive('case-2', {}).record.provinceCaseNo).toMatch(/000002$/);
  });
});

describe('SandboxServer knobs', () => {
  it('refuses the next N deliveries, then answers normally', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ refuseNext: 2 });
    expect([await call(), await call(), await call()]).toEqual([422, 422, 200]);
    expect(server.faults.refuseNext).toBe(0);
  });

  it('answers the transient reply at errorRate 1 and spares exempt paths', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ errorRate: 1 });
    expect(await call()).toBe(503);
    expect(await call('/exempt')).toBe(200);
    await expect(server.setFaults({ errorRate: 2 })).rejects.toBeInstanceOf(RangeError);
  });

  it('is unreachable while down and back on the same port when up', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ down: true });
    const error = (await call().catch((e: unknown) => e)) as { cause?: { code?: string } };
    expect(error.cause?.code).toBe('ECONNREFUSED');
    await server.setFaults({ down: false });
    expect(await call()).toBe(200);
  });

  it('delays answers by latencyMs', async () => {
    const { server, call } = await startEcho();
    await server.setFaults({ latencyMs: 120 });
    const started = performance.now();
    await call();
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('EventProgression', () => {
  it('is off without a gateway URL or when disabled', () => {
    expect(progressionOn({}).enabled).toBe(false);
    expect(progressionOn({ gatewayUrl: 'http://x', secret: 's', enabled: false }).enabled).toBe(
      false,
    );
    expect(() => progressionOn({ gatewayUrl: 'http://x' })).toThrow(/secret/);
  });

  it('settles a refused event (4xx) at once without retrying it, and goes on with the case', async () => {
    const sink = await startEventSink('province-sc');
    const progression = progressionOn({
      gatewayUrl: sink.url,
      secret: 'not-the-secret',
      delaysMs: 0,
      retryBaseMs: 1,
    });
    progression.begin('case-1', 'SC1');
    await progression.idle();
    expect(progression.posted().map((e) => [e.type, e.status, e.attempts])).toEqual([
      ['accepted', 401, 1],
      ['in-progress', 401, 1],
      ['decided', 401, 1],
      ['result-delivered', 401, 1],
    ]);
    expect(progression.history('case-1')).toHaveLength(4);
    await sink.close();
  });

  it('retries a gateway that drops every connection after pauses of at least 5, 10, 20, 20 ms, then gives up on the event once retryForMs has passed', async () => {
    // A gateway that takes each connection and drops it at once, noting when: the gaps between
    // tries are the pauses plus whatever the machine adds, so each gap is at least its pause
    // (a timer never fires early) — a check that holds however loaded the machine is.
    const tries: number[] = [];
    const dropping = createNetServer((socket) => {
      tries.push(performance.now());
      socket.destroy();
    });
    dropping.listen(0, '127.0.0.1');
    await once(dropping, 'listening');
    const { port } = dropping.address() as AddressInfo;
    const started = performance.now();
    const progression = progressionOn({
      gatewayUrl: `http://127.0.0.1:${port}`,
      secret: 's',
      delaysMs: { accepted: 0, 'in-progress': 60_000 },
      retryBaseMs: 5,
      retryMaxMs: 20,
      retryForMs: 150,
    });
    progression.begin('case-1', 'SC1');
    const posted = await waitFor(() => progression.posted()[0], 5000, 'the post to be given up');
    const gaveUpAfter = performance.now() - started;
    dropping.close();
    expect(posted).toMatchObject({ type: 'accepted', status: 'error' });
    expect(posted.attempts).toBe(tries.length);
    expect(posted.attempts).toBeGreaterThanOrEqual(2);
    const pauses = [5, 10, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20];
    tries.slice(1).forEach((at, i) => {
      // 1 ms of slack: performance.now() and the timer's clock round differently.
      expect(at - tries[i]!, `the pause before try ${i + 2}`).toBeGreaterThanOrEqual(
        pauses[i]! - 1,
      );
    });
    expect(gaveUpAfter).toBeGreaterThanOrEqual(150);
    await progression.stop();
  });

  it('posts at most postConcurrency events at once over all its cases: six owed, two in flight at a time', async () => {
    // A gateway that holds every post until the test answers it, noting how many it holds.
    const held: ServerResponse[] = [];
    let mostHeld = 0;
    const holding = createHttpServer((req, res) => {
      req.resume();
      held.push(res);
      mostHeld = Math.max(mostHeld, held.length);
    });
    holding.listen(0, '127.0.0.1');
    await once(holding, 'listening');
    const { port } = holding.address() as AddressInfo;
    const progression = progressionOn({
      gatewayUrl: `http://127.0.0.1:${port}`,
      secret: 's',
      delaysMs: { accepted: 0, 'in-progress': 60_000 },
      postConcurrency: 2,
    });
    for (let i = 1; i <= 6; i++) progression.begin(`case-${i}`, `SC${i}`);
    // Answer the held posts one at a time until all six are settled: each answer lets one more in.
    while (progression.posted().length < 6) {
      await waitFor(() => held.length > 0 || progression.posted().length === 6);
      held.shift()?.writeHead(202).end('{}');
    }
    expect(mostHeld).toBe(2);
    expect(progression.posted().map((e) => e.status)).toEqual(Array(6).fill(202));
    await progression.stop();
    holding.close();
  });

  it("waits the Retry-After a gateway's 503 asks for, not its own shorter backoff, before posting again", async () => {
    const tries: number[] = [];
    const busy = createHttpServer((req, res) => {
      req.resume();
      tries.push(performance.now());
      if (tries.length === 1) res.writeHead(503, { 'Retry-After': '1' }).end();
      else res.writeHead(202).end('{}');
    });
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as AddressInfo;
    const progression = progressionOn({
      gatewayUrl: `http://127.0.0.1:${port}`,
      secret: 's',
      delaysMs: { accepted: 0, 'in-progress': 60_000 },
      retryBaseMs: 1,
    });
    progression.begin('case-1', 'SC1');
    const posted = await waitFor(() => progression.posted()[0], 5000, 'the post to settle');
    expect(posted).toMatchObject({ type: 'accepted', status: 202, attempts: 2 });
    // A timer never fires early: the gap is at least the second asked for, however loaded.
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(999);
    await progression.stop();
    busy.close();
  });

  it('posts an event once the gateway answers again, in order with the ones after it', async () => {
    const sink = await startEventSink('province-sc');
    sink.failNext(3);
    const progression = progressionOn({
      gatewayUrl: sink.url,
      secret: sink.secret,
      delaysMs: 0,
      retryBaseMs: 5,
    });
    progression.begin('case-1', 'SC1');
    await progression.idle();
    expect(sink.events.map((e) => e.body.type)).toEqual([
      'accepted',
      'in-progress',
      'decided',
      'result-delivered',
    ]);
    expect(progression.posted().map((e) => [e.status, e.attempts])).toEqual([
      [202, 4],
      [202, 1],
      [202, 1],
      [202, 1],
    ]);
    await sink.close();
  });

  it('posts nothing while silent, though the case still progresses at the province', async () => {
    const sink = await startEventSink('province-sc');
    const progression = progressionOn(
      { gatewayUrl: sink.url, secret: sink.secret, delaysMs: 0 },
      new SandboxJournal('sc'),
      () => true,
    );
    progression.begin('case-1', 'SC1');
    await progression.idle();
    expect(sink.events).toHaveLength(0);
    expect(progression.posted().map((e) => e.status)).toEqual(Array(4).fill('silenced'));
    expect(progression.history('case-1').map((e) => e.type)).toEqual([
      'accepted',
      'in-progress',
      'decided',
      'result-delivered',
    ]);
    await sink.close();
  });

  it('posts per-step delays in order, and stop() cancels what has not been posted', async () => {
    const sink = await startEventSink('province-sc');
    const progression = progressionOn({
      gatewayUrl: sink.url,
      secret: sink.secret,
      delaysMs: { accepted: 0, 'in-progress': 0, decided: 0, 'result-delivered': 60_000 },
      decide: () => ({ decision: 'rejected', summary: '材料不全' }),
    });
    progression.begin('case-1', 'SC1');
    // The sandbox settles a post once its answer arrives, just after the sink has it.
    await waitFor(() => progression.posted().length === 3);
    await progression.stop();
    expect(sink.events.map((e) => e.body.type)).toEqual(['accepted', 'in-progress', 'decided']);
    expect(sink.events[0]?.body.provinceCaseNo).toBe('SC1');
    expect(sink.events[2]?.body.result).toEqual({ decision: 'rejected', summary: '材料不全' });
    expect(progression.posted().map((e) => e.status)).toEqual([202, 202, 202]);
    await sink.close();
  });

  it('resumes from its journal after a restart: the event still owed, then the steps to come', async () => {
    const dir = dataDir();
    const sink = await startEventSink('province-sc');
    const options: ProgressionOptions = {
      gatewayUrl: sink.url,
      secret: sink.secret,
      delaysMs: { accepted: 0, 'in-progress': 50, decided: 60_000 },
      retryBaseMs: 60_000,
    };
    const journal = new SandboxJournal('sc', dir);
    journal.append({
      k: 'case',
      caseId: 'case-1',
      provinceCaseNo: 'SC1',
      receivedAt: '',
      digest: '',
    });
    const first = progressionOn(options, journal);
    first.begin('case-1', 'SC1');
    await waitFor(() => sink.events.length === 1);
    sink.failNext(1); // in-progress meets a 503 and waits a minute for its retry…
    // The 503 itself, not only the event's making: stopped before its post, the restarted
    // sandbox's post met the 503 still armed and waited the minute (seen once in three runs).
    await waitFor(() => sink.failed() === 1 && first.history('case-1').length === 2);
    expect(first.posted()).toHaveLength(1);
    await first.stop(); // …but the sandbox stops first

    const restarted = progressionOn({ ...options, delaysMs: 0 }, new SandboxJournal('sc', dir));
    expect(restarted.history('case-1').map((e) => e.type)).toEqual(['accepted', 'in-progress']);
    restarted.resume();
    await waitFor(() => sink.events.length === 4, 15_000, 'the rest of the events');
    await restarted.idle();
    expect(sink.events.map((e) => e.body.type)).toEqual([
      'accepted',
      'in-progress',
      'decided',
      'result-delivered',
    ]);
    // The owed event is posted as it was first made: the gateway's digest recognises a repeat.
    expect(sink.events[1]?.body).toEqual(restarted.history('case-1')[1]);
    await sink.close();
  });

  it("carries on a tax case after a restart with the tax core's decision it journaled, not the default approval", async () => {
    const dir = dataDir();
    const sink = await startEventSink('province-sc');
    const options: ProgressionOptions = {
      gatewayUrl: sink.url,
      secret: sink.secret,
      delaysMs: { accepted: 0, 'in-progress': 0, decided: 60_000 },
    };
    const payload = {
      ...(validExample('SW-005').payload as object),
      agreementNo: '5303230002000001',
    };
    const first = progressionOn(options, new SandboxJournal('sc', dir));
    first.begin('case-2', 'SC000002', { itemCode: 'SW-005', payload });
    await waitFor(() => first.posted().length === 2);
    await first.stop(); // before the decision is posted; the delivery itself was never written

    const journal = new SandboxJournal('sc', dir);
    journal.append({
      k: 'case',
      caseId: 'case-2',
      provinceCaseNo: 'SC000002',
      receivedAt: '',
      digest: '',
    });
    const restarted = progressionOn({ ...options, delaysMs: 0 }, journal);
    restarted.resume();
    await waitFor(() => sink.events.length === 4, 15_000, 'the rest of the events');
    await restarted.idle();
    expect(sink.events[2]?.body).toMatchObject({
      type: 'decided',
      result: { outcome: 'failed', reason: 'insufficient-funds', agreementNo: '5303230002000001' },
    });
    expect(readFileSync(journal.file!, 'utf8')).not.toContain('跨区域涉税事项');
    await sink.close();
  });

  it('asks for a correction and stops there when the tax core says the taxpayer must fix the payment', async () => {
    const sink = await startEventSink('province-sc');
    const progression = progressionOn({ gatewayUrl: sink.url, secret: sink.secret, delaysMs: 0 });
    const payload = {
      ...(validExample('SW-005').payload as object),
      agreementNo: '5303230002000004',
    };
    progression.begin('case-3', 'SC000003', { itemCode: 'SW-005', payload });
    await waitFor(() => progression.posted().length === 2);
    await progression.idle();
    expect(sink.events.map((e) => e.body.type)).toEqual(['accepted', 'correction-required']);
    expect(sink.events[1]?.body.note).toMatch(
      /^所选缴款项目税款所属税务机构跟三方协议税款所属税务机构不一致/,
    );
    await sink.close();
  });
});
