// Portal callbacks (跟踪): every status change of a case with a callbackUrl reaches the portal,
// signed with the portal's own secret, carrying no personal data.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { CALLBACK_QUEUE, redisKeys } from '../../gateway/shared/redis-keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUrlProblem } from '../../gateway/callbacks/callback-url.ts';
import {
  devSecret,
  startApiGateway,
  validExample,
  type ApiGateway,
} from '../support/api-gateway.ts';
import { callbackSignedWith } from '../support/callback-signature.ts';
import { startGatewayCallbackWorker, type TestCallbackWorker } from '../support/callback-worker.ts';
import { plainRedis, waitFor } from '../support/redis.ts';
import { failedResult, paidResult } from '../support/payment-results.ts';
import { keysUnder, rawBytes } from '../support/personal-scan.ts';

interface Received {
  body: {
    caseId: string;
    status: string;
    sequence: number;
    phase: { zh: string };
    result?: Record<string, unknown>;
  };
  raw: string;
  verified: boolean;
}

let gw: ApiGateway;
let callbacks: TestCallbackWorker;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let failNext = 0;

/** From the gateway, signed with portal-sc's secret by the method portal-sc is given. */
function verify(req: IncomingMessage, raw: string): boolean {
  const { method, ok } = callbackSignedWith(
    req.headers,
    req.url ?? '',
    raw,
    devSecret('portal-sc'),
  );
  return req.headers['x-gw-client'] === 'gateway' && method === 'HMAC-SHA256' && ok;
}

/** Every byte Redis holds for the callback jobs of case `id` (at least one job must exist). */
async function callbackJobBytes(id: string): Promise<string> {
  const bull = redisKeys(gw.config.keyPrefix).queuePrefix(CALLBACK_QUEUE);
  const redis = plainRedis();
  try {
    const jobs = (await keysUnder(redis, bull)).filter((k) => k.includes(id));
    expect(jobs.length).toBeGreaterThan(0);
    return (await rawBytes(redis, jobs)).toString();
  } finally {
    redis.disconnect();
  }
}

beforeAll(async () => {
  gw = await startApiGateway();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      received.push({ body: JSON.parse(raw) as Received['body'], raw, verified: verify(req, raw) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/swgw?portal=sc`;
  callbacks = startGatewayCallbackWorker(gw);
});
afterAll(async () => {
  await callbacks.close();
  receiver.close();
  await gw.close();
});

describe('portal callbacks', () => {
  it('posts the status changes from ROUTED to CLOSED, signed with the portal secret, retrying a failing portal', async () => {
    failNext = 1;
    const body = { ...validExample('SW-005'), callbackUrl: receiverUrl };
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(body, `cb-${Date.now()}`);
    expect(res.status).toBe(202);
    const id = res.body.caseId;
    const province = gw.client('province-yn');
    for (const [type, extra] of [
      ['accepted', {}],
      ['decided', { result: paidResult() }],
      ['result-delivered', {}],
    ] as const) {
      const r = await province.request('POST', `/v1/cases/${id}/events`, {
        json: { type, at: new Date().toISOString(), ...extra },
      });
      expect(r.status).toBe(200);
    }
    const mine = () => received.filter((r) => r.body.caseId === id);
    const statuses = () => mine().map((r) => r.body.status);
    // ROUTED's first post met a 503 and comes later, from the retry.
    await waitFor(() => statuses().includes('ROUTED') && statuses().includes('CLOSED'), {
      timeoutMs: 15_000,
      what: 'callbacks up to CLOSED, including the retried one',
    });
    expect(failNext).toBe(0);
    const ordered = mine().sort((a, b) => a.body.sequence - b.body.sequence);
    expect(ordered[0]?.body.status).toBe('ROUTED');
    expect(ordered.at(-1)?.body.status).toBe('CLOSED');
    expect(statuses()).toEqual(
      expect.arrayContaining(['ROUTED', 'IN_PROGRESS', 'DECIDED', 'CLOSED']),
    );
    expect(new Set(ordered.map((r) => r.body.sequence)).size).toBe(ordered.length);
    // sequence is the history's length once the status was reached: that status is its last entry.
    const read = await gw.client('portal-sc').getCase<{ history: { status: string }[] }>(id);
    for (const r of ordered)
      expect(read.body.history[r.body.sequence - 1]?.status).toBe(r.body.status);
    expect(ordered.every((r) => r.verified)).toBe(true);
    expect(ordered.at(-1)?.body.phase.zh).toBe('反馈');
    for (const r of ordered) {
      expect(r.raw).not.toContain('91510104MA6CXY120G');
      expect(r.raw).not.toContain('13812345678');
    }
  });

  it('carries the result from DECIDED on, its bank account masked as GET /v1/cases/{id} masks it', async () => {
    const body = { ...validExample('SW-005'), callbackUrl: receiverUrl };
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(body, `cb-result-${Date.now()}`);
    const id = res.body.caseId;
    const paid = paidResult();
    const account = (paid.account as { accountNo: string }).accountNo;
    for (const [type, extra] of [
      ['accepted', {}],
      ['decided', { result: paid }],
      ['result-delivered', {}],
    ] as const) {
      const r = await gw.client('province-yn').request('POST', `/v1/cases/${id}/events`, {
        json: { type, at: new Date().toISOString(), ...extra },
      });
      expect(r.status).toBe(200);
    }
    const mine = () => received.filter((r) => r.body.caseId === id);
    await waitFor(() => mine().some((r) => r.body.status === 'CLOSED'), {
      timeoutMs: 15_000,
      what: 'callbacks up to CLOSED',
    });
    await waitFor(() => mine().some((r) => r.body.status === 'DECIDED'), {
      timeoutMs: 15_000,
      what: 'the DECIDED callback',
    });
    const byStatus = (status: string) => mine().find((r) => r.body.status === status)!;
    expect(byStatus('IN_PROGRESS').body).not.toHaveProperty('result');
    for (const status of ['DECIDED', 'CLOSED']) {
      const { result } = byStatus(status).body;
      expect(result, status).toMatchObject({
        outcome: 'paid',
        taxVoucherNo: paid.taxVoucherNo,
        totalAmount: paid.totalAmount,
        account: { accountNo: `${'*'.repeat(account.length - 4)}${account.slice(-4)}` },
      });
      expect(byStatus(status).raw).not.toContain(account);
    }
  });

  it("keeps the result sealed in its jobs at rest, and posts its free text masked as a note: a name and an ID number a province wrote into a failed deduction's reasonZh", async () => {
    const body = { ...validExample('SW-005'), callbackUrl: receiverUrl };
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(body, `cb-sealed-${Date.now()}`);
    const id = res.body.caseId;
    const idNumber = '510104198503152311';
    const failed: Record<string, unknown> = {
      ...failedResult(),
      reasonZh: `余额不足，经办人王隐私（${idNumber}）`,
    };
    const decided = await gw.client('province-yn').request('POST', `/v1/cases/${id}/events`, {
      json: { type: 'decided', at: new Date().toISOString(), result: failed },
    });
    expect(decided.status).toBe(200);
    await waitFor(() => received.some((r) => r.body.caseId === id && r.body.status === 'DECIDED'), {
      timeoutMs: 15_000,
      what: 'the DECIDED callback',
    });
    const posted = received.find((r) => r.body.caseId === id && r.body.status === 'DECIDED')!;
    expect(posted.body.result?.reasonZh).toBe('余额不足，经办人王隐私（5101**********2311）');
    expect(posted.raw).not.toContain(idNumber);
    // The delivered job stays a day: its hash holds no part of the result in clear.
    const raw = await callbackJobBytes(id);
    for (const clear of ['王隐私', idNumber, '5101**********2311', String(failed.agreementNo)])
      expect(raw).not.toContain(clear);
  });

  it('seals at its first run the result a job of the previous version carries in clear, and posts that result', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `cb-legacy-${Date.now()}`);
    const id = res.body.caseId;
    // As a gateway of the previous version queued it: the masked result in clear, in `result`
    // (a name in free text is not masked).
    const result: Record<string, unknown> = {
      ...failedResult(),
      reasonZh: '余额不足，经办人王旧版（5101**********2311）',
    };
    await gw.services.callbacks.queue.add(
      'callback',
      {
        caseId: id,
        clientId: 'portal-sc',
        url: receiverUrl,
        status: 'DECIDED',
        sequence: 7,
        at: new Date().toISOString(),
        result,
      },
      { attempts: 8, jobId: `status-${id}-7` },
    );
    await waitFor(() => received.some((r) => r.body.caseId === id && r.body.status === 'DECIDED'), {
      timeoutMs: 15_000,
      what: "the previous version's DECIDED callback",
    });
    const posted = received.find((r) => r.body.caseId === id && r.body.status === 'DECIDED')!;
    expect(posted.body.result).toEqual(result);
    expect(posted.verified).toBe(true);
    // The delivered job is kept a day: sealed before its post, it holds the result in clear no more.
    const raw = await callbackJobBytes(id);
    for (const clear of ['王旧版', '5101**********2311', String(result.agreementNo)])
      expect(raw).not.toContain(clear);
  });

  it('queues no callback carrying a stored result that does not open, says so without the result, and still applies the move', async () => {
    const body = { ...validExample('SW-005'), callbackUrl: receiverUrl };
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(body, `cb-tampered-${Date.now()}`);
    const id = res.body.caseId;
    const paid = paidResult();
    const post = (json: Record<string, unknown>) =>
      gw.client('province-yn').request<{ status: string }>('POST', `/v1/cases/${id}/events`, {
        json: { at: new Date().toISOString(), ...json },
      });
    expect((await post({ type: 'decided', result: paid })).status).toBe(200);
    // A changed byte in the sealed result stored by the decision.
    const key = redisKeys(gw.config.keyPrefix).case(id);
    const sealed = Buffer.from((await gw.services.redis.hget(key, 'sealedResult'))!, 'base64');
    sealed.writeUInt8(sealed.at(-1)! ^ 0x01, sealed.length - 1);
    await gw.services.redis.hset(key, 'sealedResult', sealed.toString('base64'));
    const delivered = await post({ type: 'result-delivered' });
    expect(delivered.status).toBe(200);
    expect(delivered.body.status).toBe('CLOSED');
    // The listener ran inside the move: its line is written by the time the event is answered.
    const line = gw
      .logLines()
      .find(
        (l) =>
          l.caseId === id &&
          l.msg ===
            'callback dropped for good: its result does not open; the portal can still poll',
      );
    // An error, not retried: telling the move again would not open it either (its entry goes).
    expect(line).toMatchObject({
      level: 50,
      err: expect.objectContaining({ type: 'SealedDataError' }),
    });
    expect(JSON.stringify(gw.logLines())).not.toContain(
      (paid.account as { accountNo: string }).accountNo,
    );
  });

  it('sends nothing for a case without a callbackUrl', async () => {
    const res = await gw
      .client('portal-sc')
      .submitCase<{ caseId: string }>(validExample('SW-005'), `nocb-${Date.now()}`);
    expect(res.status).toBe(202);
    const bull = redisKeys(gw.config.keyPrefix).queuePrefix(CALLBACK_QUEUE);
    const waiting = await gw.services.redis.keys(`${bull}:${CALLBACK_QUEUE}:*`);
    // Its own callbacks only: an earlier test's ROUTED callback (queued by the relay) may land now.
    expect(received.filter((r) => r.body.caseId === res.body.caseId)).toEqual([]);
    expect(waiting.length).toBeGreaterThan(0); // the queue exists, from the first test
  });
});

describe('callback URL policy (SSRF)', () => {
  it.each([
    ['https://portal.sc.example/hooks', true, undefined],
    ['http://portal.sc.example/hooks', true, 'must be https'],
    ['https://127.0.0.1/hooks', true, 'must not point at a private or loopback address'],
    ['https://10.1.2.3/hooks', true, 'must not point at a private or loopback address'],
    ['https://192.168.1.9/hooks', true, 'must not point at a private or loopback address'],
    ['https://[::1]/hooks', true, 'must not point at a private or loopback address'],
    ['https://93.184.215.14/hooks', true, undefined],
    ['https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks', true, undefined],
    [
      'https://[::ffff:93.184.215.14]/hooks',
      true,
      'must not point at a private or loopback address',
    ],
    ['https://[::ffff:127.0.0.1]/hooks', true, 'must not point at a private or loopback address'],
    ['https://localhost/hooks', true, 'must not point at a private or loopback address'],
    ['https://user:pw@portal.sc.example/', true, 'must not carry credentials'],
    ['http://127.0.0.1:9000/hooks', false, undefined],
  ])('%s in production=%s → %s', (url, production, problem) => {
    expect(callbackUrlProblem(url, production)).toBe(problem);
  });
});
