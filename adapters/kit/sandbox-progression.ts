// The scripted life of a provincial case after a sandbox accepts it
// (adapters/README.md#progression): events posted back to the gateway as `province-<adapter>`
// through the signing GatewayClient, in the order of gateway/README.md#event-transitions — accepted
// → in-progress → decided → result-delivered — each after its own delay. A post that meets a 5xx, a
// 429 or a dropped connection is retried with backoff, as a real provincial platform's outbox
// would. 409 is retried too: with delays of 0 the province can answer before the gateway's worker
// has stored DELIVERED, and the event must not be lost to that race.
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { SignatureMethod } from '../../gateway/client/signing.ts';

export const PROGRESSION_STEPS = [
  'accepted',
  'in-progress',
  'decided',
  'result-delivered',
] as const;
export type ProgressionStep = (typeof PROGRESSION_STEPS)[number];

export interface DecisionResult {
  decision: 'approved' | 'rejected';
  documentNo?: string;
  summary?: string;
}

export interface ProgressionOptions {
  /** Gateway base URL; without it the progression is off. */
  gatewayUrl?: string;
  /** Defaults to `province-<adapter>`. */
  clientId?: string;
  secret?: string;
  signatureMethod?: SignatureMethod;
  /** false disables the progression even with a gateway URL. */
  enabled?: boolean;
  /** One delay for every step, or per step; default 300 ms, 0 allowed. */
  delaysMs?: number | Partial<Record<ProgressionStep, number>>;
  /** Tries per event post (default 4) and the first retry pause (default 100 ms, doubling). */
  postAttempts?: number;
  retryBaseMs?: number;
  /** The decision a case receives; default approved with a document number. */
  decide?: (caseId: string, provinceCaseNo: string) => DecisionResult;
}

export interface PostedEvent {
  caseId: string;
  type: ProgressionStep;
  /** Final HTTP status, or 'error' when the gateway could not be reached. */
  status: number | 'error';
  attempts: number;
  at: string;
}

const DEFAULT_DELAY_MS = 300;
const RETRYABLE = (status: number) => status >= 500 || status === 429 || status === 409;

export class EventProgression {
  readonly #client: GatewayClient | undefined;
  readonly #options: ProgressionOptions;
  readonly #posted: PostedEvent[] = [];
  readonly #running = new Set<Promise<void>>();
  #abort = new AbortController();

  constructor(adapterId: string, options: ProgressionOptions = {}) {
    this.#options = options;
    const on = options.enabled !== false && options.gatewayUrl !== undefined;
    if (on && options.secret === undefined) {
      throw new Error(`sandbox ${adapterId}: progression needs the province client's secret`);
    }
    this.#client = on
      ? new GatewayClient(options.gatewayUrl ?? '', {
          clientId: options.clientId ?? `province-${adapterId}`,
          secret: options.secret ?? '',
          signatureMethod: options.signatureMethod,
        })
      : undefined;
  }

  get enabled(): boolean {
    return this.#client !== undefined;
  }

  /** Starts the scripted progression of one newly created provincial case. */
  begin(caseId: string, provinceCaseNo: string): void {
    if (!this.#client) return;
    const run = this.#run(this.#client, caseId, provinceCaseNo).finally(() => {
      this.#running.delete(run);
    });
    this.#running.add(run);
  }

  /** Every event post so far, in the order they finished. */
  posted(): PostedEvent[] {
    return [...this.#posted];
  }

  /** Resolves once every running progression has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /** Cancels pending steps; a post already on the wire completes. */
  async stop(): Promise<void> {
    this.#abort.abort();
    // GatewayClient has no abort: a post to a hung gateway must not hang the sandbox's stop.
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    this.#abort = new AbortController();
  }

  #delay(step: ProgressionStep): number {
    const d = this.#options.delaysMs;
    if (typeof d === 'number') return d;
    return d?.[step] ?? DEFAULT_DELAY_MS;
  }

  async #run(client: GatewayClient, caseId: string, provinceCaseNo: string): Promise<void> {
    const signal = this.#abort.signal;
    for (const type of PROGRESSION_STEPS) {
      if (!(await pause(this.#delay(type), signal))) return;
      const body = this.#event(type, caseId, provinceCaseNo);
      const posted = await this.#post(client, caseId, type, body, signal);
      if (posted === undefined) return;
      this.#posted.push(posted);
      // A refused event ends the script: every later step would be an illegal transition.
      if (posted.status === 'error' || posted.status >= 300) return;
    }
  }

  #event(type: ProgressionStep, caseId: string, provinceCaseNo: string): Record<string, unknown> {
    const at = new Date().toISOString();
    switch (type) {
      case 'accepted':
        return { type, at, provinceCaseNo, note: '已受理' };
      case 'in-progress':
        return { type, at, note: '办理中' };
      case 'decided':
        return {
          type,
          at,
          result: this.#options.decide?.(caseId, provinceCaseNo) ?? {
            decision: 'approved',
            documentNo: `${provinceCaseNo}-J`,
            summary: '准予办理',
          },
        };
      case 'result-delivered':
        return { type, at, note: '结果已送达' };
    }
  }

  async #post(
    client: GatewayClient,
    caseId: string,
    type: ProgressionStep,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<PostedEvent | undefined> {
    const attempts = Math.max(1, this.#options.postAttempts ?? 4);
    let status: number | 'error' = 'error';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await client.request('POST', `/v1/cases/${encodeURIComponent(caseId)}/events`, {
          json: body,
        });
        status = res.status;
        if (!RETRYABLE(status)) return this.#record(caseId, type, status, attempt);
      } catch {
        status = 'error';
      }
      if (attempt < attempts) {
        const backoff = (this.#options.retryBaseMs ?? 100) * 2 ** (attempt - 1);
        if (!(await pause(backoff, signal))) return undefined;
      }
    }
    return this.#record(caseId, type, status, attempts);
  }

  #record(caseId: string, type: ProgressionStep, status: number | 'error', attempts: number) {
    return { caseId, type, status, attempts, at: new Date().toISOString() };
  }
}

/** Resolves true after ms, or false at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
