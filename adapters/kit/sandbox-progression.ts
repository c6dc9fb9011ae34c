// The scripted life of a provincial case after a sandbox accepts it
// (adapters/README.md#progression): the province moves the case on — accepted → in-progress →
// decided → result-delivered, in the order of gateway/README.md#event-transitions — each step after
// its own delay, and owes the gateway one event per step, which its outbox (sandbox-outbox.ts)
// posts as `province-<adapter>` through the signing GatewayClient. The province's own timeline does
// not wait for the gateway: a gateway that is down, or a `silent` province whose posts never leave,
// does not stop the case at the province — which is what the status query (the province's
// history, `history()`) then reports. Every step and settled post is journaled
// (sandbox-journal.ts), so a restarted sandbox resumes both where they stopped.
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { SignatureMethod } from '../../gateway/client/signing.ts';
import type { ProvinceEventBody, SandboxJournal } from './sandbox-journal.ts';
import { DEFAULT_RETRY, EventOutbox, pause, type PostedEvent } from './sandbox-outbox.ts';

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
  /** First retry pause of an event post (default 500 ms), doubling up to retryMaxMs (60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long one event post is retried before the province gives up on it (default 15 min). */
  retryForMs?: number;
  /** The decision a case receives; default approved with a document number. */
  decide?: (caseId: string, provinceCaseNo: string) => DecisionResult;
}

export interface ProgressionDeps {
  journal: SandboxJournal;
  /** The `silent` fault knob: the province stops talking (its posts never leave). */
  silent: () => boolean;
}

const DEFAULT_DELAY_MS = 300;

export class EventProgression {
  readonly #options: ProgressionOptions;
  readonly #journal: SandboxJournal;
  readonly #outbox: EventOutbox | undefined;
  /** What the province has reported on each case, oldest first (the status query's answer). */
  readonly #history = new Map<string, ProvinceEventBody[]>();
  readonly #running = new Set<Promise<void>>();
  #abort = new AbortController();

  constructor(adapterId: string, options: ProgressionOptions, deps: ProgressionDeps) {
    this.#options = options;
    this.#journal = deps.journal;
    const on = options.enabled !== false && options.gatewayUrl !== undefined;
    if (on && options.secret === undefined) {
      throw new Error(`sandbox ${adapterId}: progression needs the province client's secret`);
    }
    this.#outbox = on
      ? new EventOutbox({
          client: new GatewayClient(options.gatewayUrl ?? '', {
            clientId: options.clientId ?? `province-${adapterId}`,
            secret: options.secret ?? '',
            signatureMethod: options.signatureMethod,
          }),
          journal: deps.journal,
          retry: {
            baseMs: options.retryBaseMs ?? DEFAULT_RETRY.baseMs,
            maxMs: options.retryMaxMs ?? DEFAULT_RETRY.maxMs,
            forMs: options.retryForMs ?? DEFAULT_RETRY.forMs,
          },
          silent: deps.silent,
        })
      : undefined;
    for (const entry of deps.journal.read()) {
      if (entry.k === 'step') this.#historyOf(entry.caseId).push(entry.event);
    }
  }

  get enabled(): boolean {
    return this.#outbox !== undefined;
  }

  /** Starts the scripted progression of one newly created provincial case. */
  begin(caseId: string, provinceCaseNo: string): void {
    this.#start(caseId, provinceCaseNo, 0);
  }

  /**
   * Picks up where the journal left off (a sandbox's start): events still owed are posted again,
   * in order, and cases part-way through their progression take their next steps.
   */
  resume(): void {
    if (!this.#outbox) return;
    const settled = new Map<string, number>();
    const cases = new Map<string, string>();
    for (const entry of this.#journal.read()) {
      if (entry.k === 'case') cases.set(entry.caseId, entry.provinceCaseNo);
      if (entry.k === 'posted') settled.set(entry.caseId, (settled.get(entry.caseId) ?? 0) + 1);
    }
    for (const [caseId, provinceCaseNo] of cases) {
      const steps = this.history(caseId);
      for (const event of steps.slice(settled.get(caseId) ?? 0)) this.#outbox.owe(caseId, event);
      this.#start(caseId, provinceCaseNo, steps.length);
    }
  }

  /** What the province has reported on the case so far, oldest first. */
  history(caseId: string): ProvinceEventBody[] {
    return [...(this.#history.get(caseId) ?? [])];
  }

  /** Every settled event post so far, in the order they settled. */
  posted(): PostedEvent[] {
    return this.#outbox?.posted() ?? [];
  }

  /** Resolves once every running progression and every owed post has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
    await this.#outbox?.idle();
  }

  /** Cancels pending steps and retries; the journal keeps what is unfinished for resume(). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all([...this.#running]);
    await this.#outbox?.stop();
    this.#abort = new AbortController();
  }

  #start(caseId: string, provinceCaseNo: string, fromStep: number): void {
    if (!this.#outbox || fromStep >= PROGRESSION_STEPS.length) return;
    const run = this.#run(this.#outbox, caseId, provinceCaseNo, fromStep).finally(() => {
      this.#running.delete(run);
    });
    this.#running.add(run);
  }

  async #run(outbox: EventOutbox, caseId: string, provinceCaseNo: string, fromStep: number) {
    const signal = this.#abort.signal;
    for (const type of PROGRESSION_STEPS.slice(fromStep)) {
      if (!(await pause(this.#delay(type), signal))) return;
      const event = this.#event(type, caseId, provinceCaseNo);
      this.#journal.append({ k: 'step', caseId, event });
      this.#historyOf(caseId).push(event);
      outbox.owe(caseId, event);
    }
  }

  #historyOf(caseId: string): ProvinceEventBody[] {
    let events = this.#history.get(caseId);
    if (!events) {
      events = [];
      this.#history.set(caseId, events);
    }
    return events;
  }

  #delay(step: ProgressionStep): number {
    const d = this.#options.delaysMs;
    if (typeof d === 'number') return d;
    return d?.[step] ?? DEFAULT_DELAY_MS;
  }

  #event(type: ProgressionStep, caseId: string, provinceCaseNo: string): ProvinceEventBody {
    const at = new Date().toISOString();
    switch (type) {
      case 'accepted':
        return { type, at, provinceCaseNo, note: '已受理' };
      case 'in-progress':
        return { type, at, note: '办理中' };
      case 'decided': {
        const result = this.#options.decide?.(caseId, provinceCaseNo) ?? {
          decision: 'approved',
          documentNo: `${provinceCaseNo}-J`,
          summary: '准予办理',
        };
        return { type, at, result: { ...result } };
      }
      case 'result-delivered':
        return { type, at, note: '结果已送达' };
    }
  }
}
