// The seeded fuzz of a rating's 201 and its replays (gateway/README.md#evaluations): on each of a
// few closed cases a first rating (a seeded level, comment and indicators), pressed 1–4 times at
// once, then a seeded run of presses — the same body again (byte for byte, its members reordered,
// spaced), another level, comment or indicator under the same key, the same body for another case
// under the same key, another key, another portal. The contract: the first 201 carries `at`, the
// time the case view shows for the rating; every press with the same key and body is that very
// 201 (evaluationId and at included) marked Idempotent-Replayed; the same key with another body or
// case 409 GW_IDEMPOTENCY_CONFLICT; another key 409 GW_ALREADY_EVALUATED; a portal that did not
// submit the case 404; never a 5xx; and the case keeps exactly one rating.
// GW_FUZZ_SEED=<seed> replays a seed (a fixed one and a random one by default).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { signRequest } from '../../../gateway/client/gateway-client.ts';
import { rng, type Rng } from './prng.ts';

const FIXED_SEED = 20_261_204;
const replaySeed = process.env.GW_FUZZ_SEED;
const SEEDS = replaySeed ? [Number(replaySeed)] : [FIXED_SEED, Math.floor(Math.random() * 2 ** 31)];
const CASES = Number(process.env.GW_FUZZ_REPLAY_CASES ?? 6);

let gw: ApiGateway;
beforeAll(async () => {
  gw = await startApiGateway({ GW_RATE_LIMIT_PER_SECOND: '1000000' });
}, 60_000);
afterAll(async () => gw?.close());

interface Answer {
  status: number;
  replayed: boolean;
  body: Record<string, unknown>;
}

async function press(caseId: string, key: string, body: string, client = 'portal-sc') {
  const url = `/v1/cases/${caseId}/evaluations`;
  const res = await fetch(`${gw.url}${url}`, {
    method: 'POST',
    headers: {
      ...signRequest(
        { clientId: client, secret: devSecret(client) },
        { method: 'POST', url, body },
      ),
      'Content-Type': 'application/json',
      'Idempotency-Key': key,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    body: (await res.json()) as Record<string, unknown>,
  } satisfies Answer;
}

function firstBody(r: Rng): Record<string, unknown> {
  return {
    level: r.int(1, 5),
    rated: 'handling',
    ...(r.chance(0.5) ? { comment: r.pick(['好', '办理很快', `${'评'.repeat(499)}😀`]) } : {}),
    ...(r.chance(0.4) ? { indicators: { overall: r.int(1, 5), efficiency: r.int(1, 5) } } : {}),
  };
}

/** The same body as other bytes: members reordered, spaced. */
function sameOtherwise(r: Rng, body: Record<string, unknown>): string {
  const entries = Object.entries(body).sort(() => r.next() - 0.5);
  return r.chance(0.5)
    ? JSON.stringify(Object.fromEntries(entries), null, r.int(1, 4))
    : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(' ,\n')} }`;
}

function changed(r: Rng, body: Record<string, unknown>): Record<string, unknown> {
  const what = r.pick(['level', 'comment', 'indicators', 'rated']);
  if (what === 'level') return { ...body, level: ((body.level as number) % 5) + 1 };
  // Another valid comment: one over 500 characters would be a 422 before the key is looked at.
  if (what === 'comment') return { ...body, comment: body.comment === '再评' ? '改评' : '再评' };
  if (what === 'indicators') return { ...body, indicators: { overall: 1 } };
  return { ...body, rated: 'collecting' };
}

describe('seeded fuzz of a rating and its replays', () => {
  it.each(SEEDS)(
    'seed %i: every press with the same key and body is the first 201 with its at, the case view shows that at, any other press 409 or 404, one rating kept',
    async (seed) => {
      const failures: string[] = [];
      let presses = 0;
      for (let c = 0; c < CASES; c++) {
        const r = rng(seed, c);
        const { caseId } = await submit(gw);
        await close(gw, 'province-yn', caseId, new Date().toISOString());
        const { caseId: otherCase } = await submit(gw);
        await close(gw, 'province-yn', otherCase, new Date().toISOString());
        const key = `replay-fuzz-${seed}-${c}-${Date.now()}`;
        const body = firstBody(r);
        const text = JSON.stringify(body);
        const wrong = (what: string, a: Answer) =>
          failures.push(
            `seed ${seed} case ${c}: ${what}: ${a.status} ${JSON.stringify(a.body).slice(0, 160)}`,
          );

        // The first press, 1–4 times at once (a double click, a retry racing its original).
        const firsts = await Promise.all(
          Array.from({ length: r.int(1, 4) }, () => press(caseId, key, text)),
        );
        presses += firsts.length;
        const first = firsts.find((a) => a.status === 201);
        if (!first) {
          wrong('no 201 among the first presses', firsts[0]!);
          continue;
        }
        for (const a of firsts)
          if (a.status !== 201 || JSON.stringify(a.body) !== JSON.stringify(first.body))
            wrong('a first press answered otherwise', a);
        const at = first.body.at as string;
        if (typeof at !== 'string' || new Date(at).toISOString() !== at) wrong('at', first);
        const view = await readCase<{ evaluations: { evaluationId: string; at: string }[] }>(
          gw,
          caseId,
        );
        if (view.evaluations.length !== 1 || view.evaluations[0]!.at !== at)
          wrong(`the case view shows ${JSON.stringify(view.evaluations)}`, first);

        for (let i = r.int(4, 10); i > 0; i--) {
          presses += 1;
          const kind = r.pick([
            'same',
            'same-otherwise',
            'changed',
            'other-case',
            'other-key',
            'other-portal',
          ]);
          const a =
            kind === 'same'
              ? await press(caseId, key, text)
              : kind === 'same-otherwise'
                ? await press(caseId, key, sameOtherwise(r, body))
                : kind === 'changed'
                  ? await press(caseId, key, JSON.stringify(changed(r, body)))
                  : kind === 'other-case'
                    ? await press(otherCase, key, text)
                    : kind === 'other-key'
                      ? await press(caseId, `${key}-other`, text)
                      : await press(caseId, key, text, 'portal-gz');
          const expected: [number, string | undefined] =
            kind === 'same' || kind === 'same-otherwise'
              ? [201, undefined]
              : kind === 'other-key'
                ? [409, 'GW_ALREADY_EVALUATED']
                : kind === 'other-portal'
                  ? [404, 'GW_CASE_NOT_FOUND']
                  : [409, 'GW_IDEMPOTENCY_CONFLICT'];
          if (a.status >= 500) wrong(`${kind}: a 5xx`, a);
          else if (expected[0] === 201) {
            if (
              a.status !== 201 ||
              !a.replayed ||
              JSON.stringify(a.body) !== JSON.stringify(first.body)
            )
              wrong(`${kind}: not the first 201 replayed`, a);
          } else if (a.status !== expected[0] || a.body.code !== expected[1])
            wrong(`${kind}: expected ${expected.join(' ')}`, a);
        }
        const after = await readCase<{ evaluations: unknown[] }>(gw, caseId);
        if (after.evaluations.length !== 1)
          wrong(`${after.evaluations.length} ratings kept`, first);
        const untouched = await readCase<{ evaluations: unknown[] }>(gw, otherCase);
        if (untouched.evaluations.length !== 0) wrong('the other case was rated', first);
      }
      console.log(`evaluation replay fuzz seed ${seed}: ${CASES} cases, ${presses} presses`);
      expect(failures.slice(0, 10)).toEqual([]);
    },
    120_000,
  );
});
