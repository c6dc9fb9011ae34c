// The 成都 platform (sc-chengdu's province side) faked at the network with nock, for tests that
// need to act at the moment a delivery reaches the province (pause Redis, refuse a case) — which
// the sandbox it imitates (adapters/sc-chengdu/sc-chengdu-sandbox.ts) offers no hook for. Like
// the real one it is idempotent by case id: a case's first POST is 201, a repeat 200 with the same
// application number, `CD-<caseId>`. The caller turns real network connections off
// (nock.disableNetConnect) and cleans nock up.
import nock from 'nock';

/** An answer other than the usual one: a status and its JSON body. */
export type ChengduAnswer = readonly [status: number, body: Record<string, unknown>];

export interface FakeChengdu {
  /** Every POST the fake received, by case id (its externalRef), in order. */
  readonly calls: readonly string[];
  /** How many POSTs the fake received for this case. */
  callsOf(caseId: string): number;
}

/**
 * Fakes the platform at `base`. `answer`, asked on each POST with the case id and how many POSTs
 * of that case came so far (this one included), may act before the answer (awaited) and may give
 * another answer; undefined keeps the usual 201/200.
 */
export function fakeChengdu(
  base: string,
  answer?: (caseId: string, call: number) => Promise<ChengduAnswer | void> | ChengduAnswer | void,
): FakeChengdu {
  const calls: string[] = [];
  const callsOf = (caseId: string) => calls.filter((id) => id === caseId).length;
  nock(base)
    .persist()
    .post(/.*/)
    // nock 15 hands a full reply function the fetch Request itself.
    .reply(async (request: Request) => {
      const { externalRef } = JSON.parse(await request.text()) as { externalRef: string };
      calls.push(externalRef);
      const call = callsOf(externalRef);
      const other = await answer?.(externalRef, call);
      if (other) return [other[0], other[1]];
      return [call === 1 ? 201 : 200, { applicationNo: `CD-${externalRef}` }];
    });
  return { calls, callsOf };
}
