// Events bench (`npm run bench -- --only events --wait-replicas N`, README.md#replicas): what
// waiting for the replicas adds to a province's event report. Two gateway children on the same
// Redis and replicas, one with GW_REDIS_WAIT_REPLICAS=N and one without, each with cases of its
// own (SW-005 as the intake bench submits it); in alternating rounds each is sent, on an even
// open-loop schedule (paced.ts), one `accepted` event per case by the case's own province client,
// and answers 200 after its two moves (delivered-reported, then accepted: nothing delivered the
// cases first). Latency from when each request was due, and the gateway's CPU per event.
import type { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import type { ClientCredentials } from '../../gateway/client/gateway-client.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { BENCH_CLIENT, benchEnvelope } from './bench-case.ts';
import { spawnChild, type Facts, type RunningChild } from './ipc.ts';
import type { LoadResult } from './load.ts';
import { pacedLoad } from './paced.ts';
import { median } from './stats.ts';

export interface EventsOptions {
  redisUrl: string;
  admin: Redis;
  /** GW_REDIS_WAIT_REPLICAS of the waiting side (the bench's Redis has that many replicas). */
  waitReplicas: number;
  rate: number;
  durationSec: number;
  rounds: number;
  logLevel: string;
  log: (line: string) => void;
}

export interface EventsSide {
  rounds: LoadResult[];
  /** Gateway CPU µs per event, per round. */
  cpuUs: number[];
  /** Redis WAIT calls per event, per round: under 1 is the group commit sharing them. */
  waitsPerEvent: number[];
  medianP50Ms: number;
  medianP99Ms: number;
  medianCpuUs: number;
}

export interface EventsResult {
  rate: number;
  durationSec: number;
  waitReplicas: number;
  waiting: EventsSide;
  notWaiting: EventsSide;
}

const SIDES = ['notWaiting', 'waiting'] as const;
type Which = (typeof SIDES)[number];

function credentials(id: string): ClientCredentials {
  const clients = JSON.parse(readFileSync(projectPath('config/clients.dev.json'), 'utf8')) as {
    id: string;
    secret: string;
  }[];
  const client = clients.find((c) => c.id === id);
  if (!client) throw new Error(`no dev client ${id}`);
  return { clientId: client.id, secret: client.secret, signatureMethod: 'HMAC-SHA256' };
}

export async function runEvents(o: EventsOptions): Promise<EventsResult> {
  if (o.waitReplicas < 1) throw new Error('--only events compares waiting: give --wait-replicas N');
  const perRound = Math.round(o.rate * o.durationSec);
  const children: RunningChild[] = [];
  try {
    const start = async (which: Which) => {
      const child = await spawnChild(which, './gateway-server.ts', {
        env: {
          REDIS_URL: o.redisUrl,
          GW_KEY_PREFIX: `bench-events-${which}`,
          GW_ENV: 'development',
          LOG_LEVEL: o.logLevel,
          PORT: '0',
          GW_HOST: '127.0.0.1',
          GW_RATE_LIMIT_PER_SECOND: '1000000',
          GW_REDIS_WAIT_REPLICAS: which === 'waiting' ? String(o.waitReplicas) : '0',
        },
      });
      children.push(child);
      return child;
    };
    const servers = { notWaiting: await start('notWaiting'), waiting: await start('waiting') };
    const url = (which: Which) => `http://127.0.0.1:${String(servers[which].facts.port)}`;

    // The cases each side's events go to, submitted before any round (not measured).
    const cases: Record<Which, string[]> = { notWaiting: [], waiting: [] };
    for (const which of SIDES) {
      o.log(`events: submitting ${perRound * o.rounds} cases to the ${which} gateway`);
      const submitted = await pacedLoad({
        url: url(which),
        credentials: credentials(BENCH_CLIENT),
        body: JSON.stringify(benchEnvelope()),
        durationSec: (perRound * o.rounds) / 150,
        rate: 150,
        onAccepted: (caseId) => cases[which].push(caseId),
      });
      if (submitted.non2xx > 0 || submitted.errors > 0)
        throw new Error(`events: ${submitted.non2xx + submitted.errors} submissions failed`);
    }
    const first = cases.notWaiting[0]!;
    const route = await o.admin.hget(redisKeys('bench-events-notWaiting').case(first), 'route');
    const { adapter } = JSON.parse(route ?? '{}') as { adapter?: string };
    if (!adapter) throw new Error(`events: no route stored on ${first}`);
    const province = credentials(`province-${adapter}`);
    const body = JSON.stringify({ type: 'accepted', at: new Date().toISOString() });

    const results: Record<
      Which,
      { rounds: LoadResult[]; cpuUs: number[]; waitsPerEvent: number[] }
    > = {
      notWaiting: { rounds: [], cpuUs: [], waitsPerEvent: [] },
      waiting: { rounds: [], cpuUs: [], waitsPerEvent: [] },
    };
    const waitCalls = async () =>
      Number(/cmdstat_wait:calls=(\d+)/.exec(await o.admin.info('commandstats'))?.[1] ?? 0);
    const cpuSeconds = (f: Facts) => (Number(f.user) + Number(f.system)) / 1e6;
    for (let round = 0; round < o.rounds; round++) {
      // Alternating which side goes first, so neither always runs on a warmer machine.
      const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const which of order) {
        const ids = cases[which].slice(round * perRound, (round + 1) * perRound);
        const before = cpuSeconds(await servers[which].ask('cpu'));
        const waitsBefore = await waitCalls();
        const r = await pacedLoad({
          url: url(which),
          credentials: province,
          body,
          durationSec: o.durationSec,
          rate: o.rate,
          route: { method: 'POST', path: '/v1/cases/:caseId/events', signed: true },
          pathOf: (n) => `/v1/cases/${ids[n]!}/events`,
        });
        const cpuUs = ((cpuSeconds(await servers[which].ask('cpu')) - before) * 1e6) / r.ok;
        const waitsPerEvent = ((await waitCalls()) - waitsBefore) / r.ok;
        results[which].rounds.push(r);
        results[which].cpuUs.push(cpuUs);
        results[which].waitsPerEvent.push(waitsPerEvent);
        o.log(
          `events round ${round + 1}/${o.rounds} ${which.padEnd(10)} ${r.ok} ok, ${r.non2xx} non-2xx  p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms  cpu/event ${Math.round(cpuUs)} µs  WAITs/event ${waitsPerEvent.toFixed(2)}`,
        );
        if (r.non2xx > 0 || r.errors > 0)
          throw new Error(`events: ${which} answered ${JSON.stringify(r.statusCodes)}`);
      }
    }
    const side = (which: Which): EventsSide => ({
      ...results[which],
      medianP50Ms: median(results[which].rounds.map((r) => r.latencyMs.p50)),
      medianP99Ms: median(results[which].rounds.map((r) => r.latencyMs.p99)),
      medianCpuUs: median(results[which].cpuUs),
    });
    return {
      rate: o.rate,
      durationSec: o.durationSec,
      waitReplicas: o.waitReplicas,
      waiting: side('waiting'),
      notWaiting: side('notWaiting'),
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}
