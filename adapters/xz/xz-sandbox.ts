// A stand-in for 藏易通's intake: a front door admitting `capacityPerSecond` requests in any
// sliding second (default 5; more is 429 RATE_LIMITED with Retry-After: 1), the ApiKey check
// (401), body checks (400), the handling region inside 西藏 (422 OUT_OF_AREA), and dedupe on
// businessNo (200 repeated). New applications are 202 { ticket }; the progression then posts
// accepted … result-delivered, which is how the real platform reports its decisions; `GET
// …/applications/<businessNo>` answers where an application stands (xz-status.ts).
import {
  assembleSandbox,
  caseNumber,
  header,
  jsonBody,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import type { XzSettings } from './xz-adapter.ts';
import { businessNoOf, toStatus } from './xz-status.ts';
import { XZ_APPLICATIONS_PATH, XZ_AUTH_SCHEME, type XzApplication } from './xz-wire.ts';

export type XzSandboxSettings = Pick<XzSettings, 'apiKey'>;

export interface XzSandboxOptions extends SandboxOptions<XzSandboxSettings> {
  /** Requests admitted per sliding second; default 5, the platform's published capacity. */
  capacityPerSecond?: number;
}

export interface XzFrontDoorStats {
  /** Most requests that arrived within any 1000 ms, admitted or not. */
  maxObservedRate: number;
  /** Requests answered 429. */
  rateLimited: number;
}

export interface XzSandbox extends Sandbox {
  stats(): XzFrontDoorStats;
}

/** Timestamps of the last second, oldest first. */
class SlidingSecond {
  readonly #times: number[] = [];
  count(now: number): number {
    while (this.#times.length > 0 && (this.#times[0] ?? 0) <= now - 1000) this.#times.shift();
    return this.#times.length;
  }
  add(now: number): void {
    this.#times.push(now);
  }
}

const isQuery = (request: SandboxRequest) =>
  request.method === 'GET' && businessNoOf(request.path) !== undefined;

function failure(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): SandboxReply {
  return { status, headers, body: { error: { code, message } } };
}

function valid(body: unknown): body is XzApplication {
  const b = body as Partial<XzApplication> | undefined;
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    filled(b?.businessNo) &&
    filled(b?.service?.code) &&
    filled(b?.regions?.handle) &&
    filled(b?.applicant?.name) &&
    filled(b?.applicant?.idNo) &&
    typeof b?.formData === 'object' &&
    Array.isArray(b.files)
  );
}

export function createXzSandbox(options: XzSandboxOptions): XzSandbox {
  const { apiKey } = options.settings;
  const capacity = options.capacityPerSecond ?? 5;
  const state = sandboxState<XzApplication>('xz', options, (seq) => caseNumber('ZYT54', seq));
  const { table, progression } = state;
  const arrived = new SlidingSecond();
  const admitted = new SlidingSecond();
  const stats: XzFrontDoorStats = { maxObservedRate: 0, rateLimited: 0 };

  function admit(): SandboxReply | undefined {
    const now = performance.now();
    arrived.add(now);
    stats.maxObservedRate = Math.max(stats.maxObservedRate, arrived.count(now));
    if (admitted.count(now) >= capacity) {
      stats.rateLimited += 1;
      return failure(429, 'RATE_LIMITED', 'too many requests', { 'retry-after': '1' });
    }
    admitted.add(now);
    return undefined;
  }

  function status(businessNo: string): SandboxReply {
    const known = table.get(businessNo);
    if (!known) return failure(404, 'NOT_FOUND', 'no such application');
    const events = progression.history(known.caseId);
    return { status: 200, body: toStatus(known.caseId, known.provinceCaseNo, events) };
  }

  function handle(request: SandboxRequest): SandboxReply {
    const queried = isQuery(request) ? businessNoOf(request.path) : undefined;
    if (
      queried === undefined &&
      (request.method !== 'POST' || request.path !== XZ_APPLICATIONS_PATH)
    ) {
      return failure(404, 'NOT_FOUND', 'no such resource');
    }
    if (header(request, 'authorization') !== `${XZ_AUTH_SCHEME} ${apiKey}`) {
      return failure(401, 'UNAUTHORIZED', 'invalid api key');
    }
    if (queried !== undefined) return status(queried);
    const body = jsonBody(request);
    if (!valid(body)) return failure(400, 'INVALID_REQUEST', 'application incomplete');
    if (!body.regions.handle.startsWith('54'))
      return failure(422, 'OUT_OF_AREA', 'not a 西藏 region');
    const { record, duplicate } = table.receive(body.businessNo, body);
    if (!duplicate)
      progression.begin(body.businessNo, record.provinceCaseNo, {
        itemCode: body.service.code,
        payload: body.formData,
      });
    const answer = { ticket: record.provinceCaseNo, status: 'QUEUED' };
    return duplicate
      ? { status: 200, body: { ...answer, repeated: true } }
      : { status: 202, body: answer };
  }

  const server = new SandboxServer(
    {
      admit,
      handle,
      transientReply: () => failure(503, 'SERVICE_BUSY', 'service busy', { 'retry-after': '1' }),
      permanentReply: () => failure(400, 'INVALID_REQUEST', 'application incomplete'),
      isQuery,
    },
    state.faults,
  );
  return assembleSandbox(server, state, { stats: () => ({ ...stats }) });
}
