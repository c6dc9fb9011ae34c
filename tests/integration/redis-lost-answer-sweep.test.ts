// Redis gone in the middle of a write, at every step of it (README.md#redis-durability): for each
// write a client makes over HTTP — a submission, a province event, a rating, a rectification's move
// and its re-rating — the commands the gateway sends Redis for it after its nonce are counted once,
// and then, for each of them in turn on a fresh record, Redis applies that command and the
// connection is cut before its answer, as a Redis stopped with SIGTERM does to its last turn
// (tests/support/redis-gate.ts, countAfter). The contract: the request is answered 503 GW_UNAVAILABLE with
// Retry-After (or, when what was lost was only a follow-up the request does not wait for, its
// success); the client's retry with the same Idempotency-Key, or the same event, once the gateway
// has reconnected, succeeds; and the record then is what one clean request makes — one case, one
// history entry, one rating — never two, never none (a stuck write). redis-lost-answer.test.ts
// covers the submission's nonce and case writes and the worker's writes; this walks every command.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRedis } from '../../gateway/shared/redis.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, readCase, submit } from '../support/case-flow.ts';
import {
  evaluate,
  readRectification,
  rectificationEvent,
  reRate,
} from '../support/evaluation-flow.ts';
import { startRedisGate, type RedisGate } from '../support/redis-gate.ts';
import { plainRedis, testRedisUrl, waitFor } from '../support/redis.ts';

let gate: RedisGate;
let gw: ApiGateway;
let admin: Redis;

beforeAll(async () => {
  admin = plainRedis();
  gate = await startRedisGate(testRedisUrl());
  // A command timeout far longer than a reconnect through the gate: a cut connection, not a slow
  // Redis, is what each request meets.
  gw = await startApiGateway(
    { GW_REDIS_COMMAND_TIMEOUT_MS: '5000', GW_RATE_LIMIT_PER_SECOND: '1000000' },
    { redisUrl: gate.url, relay: false },
  );
});
afterAll(async () => {
  await gw?.close();
  await gate?.close();
  admin?.disconnect();
});

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

interface Write<T> {
  /** A fresh record for the write. */
  setup: () => Promise<T>;
  /** The write itself; the same request (key, event) each time it is called for one record. */
  send: (record: T, key: string) => Promise<Answer>;
  success: number;
  /** What one clean write leaves, checked after the retry. */
  check: (record: T) => Promise<void>;
}

/** The ids of the cases stored under this gateway's prefix. */
async function storedCaseIds(): Promise<string[]> {
  const keys = await admin.keys(`${gw.config.keyPrefix}:*:case:*`);
  return keys.flatMap((k) => /:case:([0-9A-Z]{26})$/.exec(k)?.[1] ?? []);
}

const AT = () => new Date(Date.now() - 1000).toISOString();
let n = 0;

const WRITES: Record<string, Write<Record<string, string>>> = {
  'a submission': {
    setup: async () => ({ before: (await storedCaseIds()).join(',') }),
    send: (_r, key) => gw.client('portal-sc').submitCase(validExample('SF-009'), key),
    success: 202,
    check: async (r) => {
      const made = (await storedCaseIds()).filter((id) => !r.before!.split(',').includes(id));
      expect(made).toHaveLength(1);
    },
  },
  'a province event': {
    setup: async () => ({ caseId: (await submit(gw)).caseId, at: AT() }),
    send: (r) =>
      gw.client('province-yn').request('POST', `/v1/cases/${r.caseId}/events`, {
        json: { type: 'accepted', at: r.at, provinceCaseNo: `YN-LOST-${r.caseId}` },
      }),
    success: 200,
    check: async (r) => {
      const view = await readCase<{ status: string; history: { status: string }[] }>(gw, r.caseId!);
      expect(view.status).toBe('IN_PROGRESS');
      expect(view.history.filter((h) => h.status === 'IN_PROGRESS')).toHaveLength(1);
    },
  },
  'a rating': {
    setup: async () => {
      const { caseId } = await submit(gw);
      await close(gw, 'province-yn', caseId, AT());
      return { caseId };
    },
    send: (r, key) => evaluate(gw, r.caseId!, { level: 1, rated: 'handling' }, { key }),
    success: 201,
    check: async (r) => {
      const view = await readCase<{ evaluations: { rectificationId: string | null }[] }>(
        gw,
        r.caseId!,
      );
      expect(view.evaluations).toHaveLength(1);
      const rect = await readRectification<{ status: string }>(
        gw,
        view.evaluations[0]!.rectificationId!,
      );
      expect(rect.body.status).toBe('OPEN');
    },
  },
  'a rectification’s move': {
    setup: async () => {
      const { caseId } = await submit(gw);
      await close(gw, 'province-yn', caseId, AT());
      const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
      return { id: rated.body.rectification!.id };
    },
    send: (r) => rectificationEvent(gw, r.id!, 'visited', '已回访'),
    success: 200,
    check: async (r) => {
      const read = await readRectification<{ status: string; history: { status: string }[] }>(
        gw,
        r.id!,
      );
      expect(read.body.history.filter((h) => h.status === read.body.status)).toHaveLength(1);
    },
  },
  'a re-rating': {
    setup: async () => {
      const { caseId } = await submit(gw);
      await close(gw, 'province-yn', caseId, AT());
      const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
      const id = rated.body.rectification!.id;
      expect((await rectificationEvent(gw, id, 'visited')).status).toBe(200);
      expect((await rectificationEvent(gw, id, 'rectified')).status).toBe(200);
      return { id };
    },
    send: (r) => reRate(gw, r.id!, { level: 5 }),
    success: 200,
    check: async (r) => {
      const read = await readRectification<{ status: string; history: { status: string }[] }>(
        gw,
        r.id!,
      );
      expect(read.body.history.filter((h) => h.status === read.body.status)).toHaveLength(1);
    },
  },
};

/** The commands the gateway's http connection sends for one write after its nonce's SET. */
async function commandsOf(write: Write<Record<string, string>>): Promise<number> {
  const record = await write.setup();
  const counter = gate.countAfter(':nonce:');
  try {
    const answer = await write.send(record, `lost-${Date.now()}-${n++}`);
    expect(answer.status).toBe(write.success);
    return counter.counted();
  } finally {
    gate.disarm();
  }
}

describe('a write whose Redis answer is lost at each of its commands', () => {
  it.each(Object.keys(WRITES))(
    '%s: answered 503 with Retry-After (or its success), its retry succeeds, and it is stored once',
    async (name) => {
      const write = WRITES[name]!;
      // Counted the second time: the first use of a script on this gateway is two commands (its
      // EVALSHA answered NOSCRIPT, then EVAL).
      await commandsOf(write);
      const commands = await commandsOf(write);
      // The rate limit's script and the write's own commands, at least.
      expect(commands).toBeGreaterThan(2);
      const failures: string[] = [];
      /** The first answers to each count: 503 (or the write's success), to see the sweep bite. */
      const answered: number[] = [];
      for (let lose = 1; lose <= commands; lose++) {
        const record = await write.setup();
        await waitForRedis(gw.services.redis, 5000);
        const key = `lost-${Date.now()}-${n++}`;
        let cut = false;
        const armed = gate.countAfter(':nonce:', lose);
        const lost = armed.cut.then(() => (cut = true));
        const first = await write.send(record, key);
        const what = `${name}, the answer to its command ${lose} of ${commands} lost`;
        // A command sent after the answer (a follow-up it does not wait for) is cut a moment later.
        const after = await waitFor(() => cut, { what }).catch(() => false);
        if (!after) {
          failures.push(`${what}: the command was never sent`);
          gate.disarm();
          continue;
        }
        await lost;
        answered.push(first.status);
        if (first.status === 503) {
          if (!first.headers.get('retry-after')) failures.push(`${what}: 503 without Retry-After`);
          if ((first.body as { code?: string }).code !== 'GW_UNAVAILABLE')
            failures.push(`${what}: 503 ${JSON.stringify(first.body)}`);
        } else if (first.status !== write.success) {
          failures.push(`${what}: ${first.status} ${JSON.stringify(first.body).slice(0, 200)}`);
        }
        await waitForRedis(gw.services.redis, 5000);
        const retry = await write.send(record, key);
        if (retry.status !== write.success)
          failures.push(
            `${what}: retry ${retry.status} ${JSON.stringify(retry.body).slice(0, 200)}`,
          );
        try {
          await write.check(record);
        } catch (error) {
          failures.push(`${what}: ${(error as Error).message}`);
        }
      }
      // Each command was lost, most of them to a 503 (not the follow-ups after the answer).
      expect(answered).toHaveLength(commands);
      expect(answered.filter((s) => s === 503).length).toBeGreaterThan(commands / 2);
      expect(failures).toEqual([]);
    },
  );
});
