// The shedding bench's load (README.md#load-shedding): N clients, each sending its next signed
// POST /v1/cases (the intake's body, a new nonce, timestamp and Idempotency-Key) as soon as its last
// answer came back, so N requests are asked of the gateway at every moment; and the load
// balancer's probes of /readyz and /healthz beside them. Not autocannon: a shed answer carries
// `Connection: close`, and autocannon then times later answers from earlier requests' starts (a
// server answering in 5 ms, every other answer with Connection: close, read as a 300 ms p50 on
// 10 connections); node:http's agent drops the closed socket and opens another, as a client does.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { signRequest, type ClientCredentials } from '../../gateway/client/gateway-client.ts';
import { answerKind, type LevelAnswers, type ProbeAnswers } from './shedding-figures.ts';

export interface ClosedLoopSpec {
  url: string;
  credentials: ClientCredentials;
  /** The exact body bytes sent with every request. */
  body: string;
  connections: number;
  /** First part of the round, not counted: the connections open and the gateway fills up. */
  settleSec: number;
  /** The measured window: answers that complete within it are counted. */
  durationSec: number;
  /**
   * What a client does after a shed answer: `immediate` sends again at once (a flood ignoring
   * Retry-After, so the gateway is asked N at once all the time); `retry-after` waits the seconds
   * the answer's Retry-After asks for, as the README tells clients to (README.md#errors).
   */
  afterShed: 'immediate' | 'retry-after';
  /** Told when the measured window starts and ends (performance.now() ms), before it starts. */
  onWindow?: (startMs: number, endMs: number) => void;
}

/** A request is given up (counted as an error) after this long without an answer. */
const REQUEST_TIMEOUT_MS = 60_000;
const PATH = '/v1/cases';

interface Exchange {
  status: number;
  /** The body of a non-2xx answer (a 2xx's is not read). */
  body: string;
  retryAfter: string | undefined;
}

function send(url: URL, agent: Agent, spec: ClosedLoopSpec): Promise<Exchange> {
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(spec.body)),
    'idempotency-key': randomUUID(),
    ...signRequest(spec.credentials, { method: 'POST', url: PATH, body: spec.body }),
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: PATH, method: 'POST', headers, agent },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        if (status >= 200 && status < 300) res.resume();
        else res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfter: res.headers['retry-after'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Runs one round at `connections` clients; resolves once every client's last request ended. */
export async function closedLoop(spec: ClosedLoopSpec): Promise<LevelAnswers> {
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const windowStart = performance.now() + spec.settleSec * 1000;
  const windowEnd = windowStart + spec.durationSec * 1000;
  spec.onWindow?.(windowStart, windowEnd);
  const answers: LevelAnswers = {
    connections: spec.connections,
    windowSec: spec.durationSec,
    acceptedMs: [],
    shedMs: [],
    failed: {},
    errors: 0,
  };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const client = async () => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      let exchange: Exchange | undefined;
      try {
        exchange = await send(url, agent, spec);
      } catch {
        exchange = undefined;
      }
      const ended = performance.now();
      const kind = exchange && answerKind(exchange.status, exchange.body);
      const counted = ended >= windowStart && ended <= windowEnd;
      if (!exchange) {
        if (counted) answers.errors++;
      } else if (kind === 'accepted') {
        if (counted) answers.acceptedMs.push(ended - started);
      } else if (kind === 'shed') {
        if (counted) answers.shedMs.push(ended - started);
        if (spec.afterShed === 'retry-after')
          await wait(Math.min(Number(exchange.retryAfter ?? 0) * 1000, windowEnd - ended));
      } else if (counted) {
        const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(exchange.body)?.[1];
        const key = code ? `${exchange.status} ${code}` : String(exchange.status);
        answers.failed[key] = (answers.failed[key] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.connections }, client));
  } finally {
    agent.destroy();
  }
  return answers;
}

/** How long a probe waits for its answer: a load balancer's check gives up too. */
export const PROBE_TIMEOUT_MS = 10_000;

/**
 * `path` asked every `everyMs` from `startMs` to `endMs` (performance.now() ms), each on a fresh
 * connection as a load balancer's health check opens one, whether or not the last one answered.
 * Resolves once every probe answered or timed out.
 */
export async function probe(
  baseUrl: string,
  path: string,
  everyMs: number,
  startMs: number,
  endMs: number,
): Promise<ProbeAnswers> {
  const url = new URL(path, baseUrl);
  const result: ProbeAnswers = { okMs: [], notOk: 0 };
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.okMs.push(performance.now() - started);
          else result.notOk++;
          resolve();
        });
      });
      req.setTimeout(PROBE_TIMEOUT_MS, () => req.destroy(new Error('probe timed out')));
      req.on('error', () => {
        result.notOk++;
        resolve();
      });
      req.end();
    });
  const pending: Promise<void>[] = [];
  const wait = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  await wait(startMs - performance.now());
  for (let at = startMs; at < endMs; at += everyMs) {
    await wait(at - performance.now());
    pending.push(once());
  }
  await Promise.all(pending);
  return result;
}
