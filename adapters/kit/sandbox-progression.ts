// The scripted life of a provincial case after a sandbox accepts it
// (adapters/README.md#progression): the province moves the case on — accepted → in-progress →
// decided → result-delivered, in the order of gateway/README.md#event-transitions — each step after
// its own delay, and owes the gateway one event per step, which its outbox (sandbox-outbox.ts)
// posts as `province-<adapter>` through the signing GatewayClient. The province's own timeline does
// not wait for the gateway: a gateway that is down, or a `silent` province whose posts never leave,
// does not stop the case at the province — which is what the status query (the province's
// history, `history()`) then reports. Every step and settled post is journaled
// (sandbox-journal.ts), so a restarted sandbox resumes both where they stopped.
// How a case ends is the province's decision, made when it receives the case and journaled as its
// plan: for its tax items the tax core's (tax-core/tax-core.ts, adapters/README.md#the-tax-core) —
// a payment or a failed deduction as the typed `decided` result, or a correction the taxpayer must
// make (accepted → correction-required, where the script stops); for other items the configured
// or default approval.
import { GatewayClient } from '../../gateway/client/gateway-client.ts';
import type { SignatureMethod } from '../../gateway/client/signing.ts';
import type { CaseOutcome, ProvinceEventBody, SandboxJournal } from './sandbox-journal.ts';
import { DEFAULT_RETRY, EventOutbox, pause, type PostedEvent } from './sandbox-outbox.ts';
import { taxCoreDecision, type ReceivedDelivery } from './tax-core/tax-core.ts';

export const PROGRESSION_STEPS = [
  'accepted',
  'in-progress',
  'decided',
  'result-delivered',
] as const;
export type ProgressionStep = (typeof PROGRESSION_STEPS)[number];
/** A step the script may take: the four above, or a correction request that ends it. */
export type PostedStep = ProgressionStep | 'correction-required';

export type { CaseOutcome } from './sandbox-journal.ts';
export type { ReceivedDelivery } from './tax-core/tax-core.ts';

/** The steps of a case's script under its plan. */
function stepsOf(outcome: CaseOutcome | undefined): readonly PostedStep[] {
  return outcome?.type === 'correction-required'
    ? ['accepted', 'correction-required']
    : PROGRESSION_STEPS;
}

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
  /** Event posts in flight at once over all cases (default 4): a backlog is posted a few at a time. */
  postConcurrency?: number;
  /** The decision a case receives; default approved with a document number. */
  decide?: (caseId: string, provinceCaseNo: string) => DecisionResult;
  /**
   * How the province handles what it received; default the tax core (its tax items), and for
   * an item it leaves alone (undefined) the `decide` decision.
   */
  decideCase?: (received: ReceivedDelivery, provinceCaseNo: string) => CaseOutcome | undefined;
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
  /** How the province decided to handle each case (none: the default script). */
  readonly #plans = new Map<string, CaseOutcome>();
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
          concurrency: options.postConcurrency,
        })
      : undefined;
    for (const entry of deps.journal.read()) {
      if (entry.k === 'step') this.#historyOf(entry.caseId).push(entry.event);
      if (entry.k === 'plan') this.#plans.set(entry.caseId, entry.outcome);
    }
  }

  get enabled(): boolean {
    return this.#outbox !== undefined;
  }

  /**
   * Starts the scripted progression of one newly created provincial case; `received` (its item
   * and payload as the platform decoded them) lets the province decide it on its merits.
   */
  begin(caseId: string, provinceCaseNo: string, received?: ReceivedDelivery): void {
    if (!this.#outbox) return;
    const decideCase = this.#options.decideCase ?? taxCoreDecision;
    const outcome = received ? decideCase(received, provinceCaseNo) : undefined;
    if (outcome) {
      this.#journal.append({ k: 'plan', caseId, outcome });
      this.#plans.set(caseId, outcome);
    }
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
    if (!this.#outbox || fromStep >= stepsOf(this.#plans.get(caseId)).length) return;
    const run = this.#run(this.#outbox, caseId, provinceCaseNo, fromStep).finally(() => {
      this.#running.delete(run);
    });
    this.#running.add(run);
  }

  async #run(outbox: EventOutbox, caseId: string, provinceCaseNo: string, fromStep: number) {
    const signal = this.#abort.signal;
    for (const type of stepsOf(this.#plans.get(caseId)).slice(fromStep)) {
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

  #delay(step: PostedStep): number {
    const d = this.#options.delaysMs;
    if (typeof d === 'number') return d;
    // A correction request comes when the decision would have.
    return d?.[step === 'correction-required' ? 'decided' : step] ?? DEFAULT_DELAY_MS;
  }

  #event(type: PostedStep, caseId: string, provinceCaseNo: string): ProvinceEventBody {
    const at = new Date().toISOString();
    const plan = this.#plans.get(caseId);
    switch (type) {
      case 'accepted':
        return { type, at, provinceCaseNo, note: '已受理' };
      case 'in-progress':
        return { type, at, note: '办理中' };
      case 'correction-required':
        return { type, at, note: plan?.type === type ? plan.note : '请补正' };
      case 'decided': {
        if (plan?.type === 'decided') return { type, at, result: { ...plan.result } };
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
