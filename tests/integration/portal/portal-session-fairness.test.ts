// Each logged-in enterprise's fair share of the portal (portal/server/session-fairness.ts,
// README.md#the-taxpayer-portal): the portal is one client of the gateway with one rate limit, so
// one login may hold at most PORTAL_SESSION_STREAMS live case streams, open at most
// PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE of them a minute, and send at most
// PORTAL_SESSION_WRITES_PER_MINUTE payments, ratings and re-ratings a minute, and make at most
// PORTAL_SESSION_READS_PER_MINUTE reads that reach the gateway a minute. Past any it is
// answered 429 PORTAL_SESSION_BUSY with a Retry-After and a title that names this login, not the
// platform; another enterprise is not touched by it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPortal, type RunningPortal } from '../../../portal/server/portal-process.ts';
import {
  SESSION_OPENINGS_TITLE,
  SESSION_READS_TITLE,
  SESSION_STREAMS_TITLE,
  SESSION_WRITES_TITLE,
} from '../../../portal/server/session-fairness.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { portalClient, type PortalSession } from '../../support/portal-client.ts';
import { testPortalConfig } from '../../support/portal-config.ts';
import { waitFor } from '../../support/redis.ts';

let gw: ApiGateway;
let portal: RunningPortal;
beforeAll(async () => {
  gw = await startApiGateway();
});
// A portal of its own for each test: the counts are the portal process's, kept for a minute.
beforeEach(async () => {
  portal = await startPortal({
    config: testPortalConfig({
      PORTAL_GATEWAY_URL: gw.url,
      PORTAL_SESSION_STREAMS: '2',
      PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE: '4',
      PORTAL_SESSION_WRITES_PER_MINUTE: '3',
      PORTAL_SESSION_READS_PER_MINUTE: '5',
    }),
  });
});
afterEach(async () => {
  await portal?.stop();
});
afterAll(async () => {
  await gw?.close();
});

const viaPortal = portalClient(() => portal.url);

/** A case of `s`'s enterprise, paid through the portal. */
async function aCase(s: PortalSession, key: string): Promise<string> {
  const values = await viaPortal.paymentValues(s);
  const res = await viaPortal.call(s, '/api/payments', { values, submissionKey: key });
  expect(res.status).toBe(202);
  return ((await res.json()) as { caseId: string }).caseId;
}

/** The case's stream, held open until `abort`; its status once its headers came. */
async function openStream(s: PortalSession, caseId: string) {
  const stop = new AbortController();
  const res = await fetch(`${portal.url}/api/cases/${caseId}/stream`, {
    headers: { Cookie: s.cookie },
    signal: stop.signal,
  });
  return { res, abort: () => stop.abort() };
}

describe('one login’s fair share of the portal', () => {
  it('refuses a login’s stream past PORTAL_SESSION_STREAMS 429 PORTAL_SESSION_BUSY with Retry-After and a title naming this login, serves another login’s, and serves it again once one of its streams closed', async () => {
    const shudao = await viaPortal.session('shudao');
    const xiaohong = await viaPortal.session('xiaohong');
    const caseId = await aCase(shudao, `fair-streams-${Date.now()}`);
    const theirs = await aCase(xiaohong, `fair-streams-x-${Date.now()}`);

    const first = await openStream(shudao, caseId);
    const second = await openStream(shudao, caseId);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const third = await openStream(shudao, caseId);
    expect(third.res.status).toBe(429);
    expect(Number(third.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.res.json()).toMatchObject({
      code: 'PORTAL_SESSION_BUSY',
      title: SESSION_STREAMS_TITLE,
    });

    const other = await openStream(xiaohong, theirs);
    expect(other.res.status).toBe(200);
    other.abort();

    // A page closed: its slot is free again (the server sees the close a moment later).
    first.abort();
    const again = await waitFor(
      async () => {
        const s = await openStream(shudao, caseId);
        if (s.res.status === 200) return s;
        await s.res.body?.cancel();
        return undefined;
      },
      { what: 'a stream served once one closed' },
    );
    again!.abort();
    second.abort();
  });

  it('refuses a login that opens and closes its stream in a loop past PORTAL_SESSION_STREAM_OPENINGS_PER_MINUTE 429 PORTAL_SESSION_BUSY with a Retry-After within the minute, though it never holds two, and not another login’s', async () => {
    const shudao = await viaPortal.session('shudao');
    const xiaohong = await viaPortal.session('xiaohong');
    const caseId = await aCase(shudao, `fair-openings-${Date.now()}`);
    const theirs = await aCase(xiaohong, `fair-openings-x-${Date.now()}`);

    /** Opens the stream, and closes it at once; the answer that was not a stream, if any. */
    const openAndClose = async () => {
      const s = await openStream(shudao, caseId);
      if (s.res.status === 200) {
        s.abort();
        return undefined;
      }
      const body = (await s.res.json()) as { title: string };
      return { status: s.res.status, retryAfter: s.res.headers.get('retry-after'), body };
    };
    // Four openings served, one stream at a time (a close is seen by the server a moment later:
    // until then the bound of two open ones may answer, which is not an opening).
    let served = 0;
    const refusedForOpenings = await waitFor(
      async () => {
        const refused = await openAndClose();
        if (!refused) served += 1;
        return refused?.body.title === SESSION_OPENINGS_TITLE ? refused : undefined;
      },
      { what: 'an opening refused past the minute’s bound' },
    );
    expect(served).toBe(4);
    expect(refusedForOpenings!.status).toBe(429);
    const wait = Number(refusedForOpenings!.retryAfter);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refusedForOpenings!.body).toMatchObject({
      code: 'PORTAL_SESSION_BUSY',
      retryAfterSeconds: wait,
    });

    // Another enterprise's openings are its own.
    const other = await openStream(xiaohong, theirs);
    expect(other.res.status).toBe(200);
    other.abort();
  });

  it('refuses a login’s payments and ratings past PORTAL_SESSION_WRITES_PER_MINUTE 429 PORTAL_SESSION_BUSY with a Retry-After within the minute, and not another login’s', async () => {
    const shudao = await viaPortal.session('shudao');
    const xiaohong = await viaPortal.session('xiaohong');
    // One write of the three: the payment that makes the case.
    const caseId = await aCase(shudao, `fair-writes-${Date.now()}`);
    // Two more, ratings of a case not yet closed (the gateway refuses them; they still count).
    for (let i = 0; i < 2; i += 1) {
      const res = await viaPortal.call(shudao, `/api/cases/${caseId}/evaluation`, { level: 5 });
      expect(res.status).not.toBe(429);
    }
    const over = await viaPortal.call(shudao, `/api/cases/${caseId}/evaluation`, { level: 5 });
    expect(over.status).toBe(429);
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await over.json()).toMatchObject({
      code: 'PORTAL_SESSION_BUSY',
      title: SESSION_WRITES_TITLE,
    });
    const values = await viaPortal.paymentValues(shudao);
    const payment = await viaPortal.call(shudao, '/api/payments', {
      values,
      submissionKey: `fair-over-${Date.now()}`,
    });
    expect(payment.status).toBe(429);

    // Another enterprise's press is its own.
    await aCase(xiaohong, `fair-writes-x-${Date.now()}`);
  });

  it('refuses a login that reads its case in a loop past PORTAL_SESSION_READS_PER_MINUTE 429 PORTAL_SESSION_BUSY with a Retry-After within the minute, its other reads too, and not another login’s', async () => {
    const shudao = await viaPortal.session('shudao');
    const xiaohong = await viaPortal.session('xiaohong');
    // One read of the five: the payment form's item, read to pay.
    const caseId = await aCase(shudao, `fair-reads-${Date.now()}`);
    for (let i = 0; i < 4; i += 1)
      expect((await viaPortal.call(shudao, `/api/cases/${caseId}`)).status).toBe(200);
    const over = await viaPortal.call(shudao, `/api/cases/${caseId}`);
    expect(over.status).toBe(429);
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await over.json()).toMatchObject({
      code: 'PORTAL_SESSION_BUSY',
      title: SESSION_READS_TITLE,
      retryAfterSeconds: wait,
    });
    // The other reads that reach the gateway are the same count's: the form's item, the receipt.
    expect((await viaPortal.call(shudao, '/api/forms/payment')).status).toBe(429);
    const receipt = await fetch(`${portal.url}/cases/${caseId}/receipt`, {
      headers: { Cookie: shudao.cookie },
      redirect: 'manual',
    });
    expect(receipt.status).toBe(429);
    expect(await receipt.text()).toBe(SESSION_READS_TITLE);

    // Another enterprise's reads are its own.
    const theirs = await aCase(xiaohong, `fair-reads-x-${Date.now()}`);
    expect((await viaPortal.call(xiaohong, `/api/cases/${theirs}`)).status).toBe(200);
  });
});
