// Shared pieces of every provincial sandbox (adapters/README.md#sandboxes), so a sandbox file holds
// only its dialect: a node:http server whose dialect handlers return { status, headers, body } and
// never touch the response (bull-board style) with runtime fault knobs (sandbox-server.ts), the
// idempotency table keyed by the gateway case id, the event progression (sandbox-progression.ts),
// and the common Sandbox surface the registry hands out.
import type { FaultSettings, SandboxServer } from './sandbox-server.ts';

export {
  SandboxServer,
  header,
  jsonBody,
  type FaultSettings,
  type SandboxDialect,
  type SandboxReply,
  type SandboxRequest,
} from './sandbox-server.ts';
export {
  EventProgression,
  PROGRESSION_STEPS,
  type DecisionResult,
  type PostedEvent,
  type ProgressionOptions,
  type ProgressionStep,
} from './sandbox-progression.ts';
import type {
  EventProgression as Progression,
  PostedEvent,
  ProgressionOptions,
} from './sandbox-progression.ts';

/** What a sandbox recorded for one gateway case id. */
export interface ReceivedCase<T = Record<string, unknown>> {
  caseId: string;
  provinceCaseNo: string;
  /** 1 + the number of duplicate deliveries. */
  deliveries: number;
  receivedAt: string;
  /** The delivery as the province decoded it (dialect field names). */
  data: T;
}

/** The surface every sandbox offers to npm start, demos and tests (adapters/kit/registry.ts). */
export interface Sandbox {
  readonly id: string;
  start(port?: number, host?: string): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  readonly faults: Readonly<FaultSettings>;
  setFaults(faults: Partial<FaultSettings>): Promise<void>;
  received(): ReceivedCase[];
  events(): PostedEvent[];
}

/** Options every sandbox factory accepts; S is the adapter's own settings (credentials). */
export interface SandboxOptions<S = unknown> {
  settings: S;
  progression?: ProgressionOptions;
}

export class IdempotencyTable<T = Record<string, unknown>> {
  readonly #cases = new Map<string, ReceivedCase<T>>();
  readonly #newCaseNo: (seq: number) => string;

  /** newCaseNo builds the province's own number from a running sequence. */
  constructor(newCaseNo: (seq: number) => string) {
    this.#newCaseNo = newCaseNo;
  }

  /** Records a delivery; the same case id again returns the stored case, flagged duplicate. */
  receive(caseId: string, data: T): { record: ReceivedCase<T>; duplicate: boolean } {
    const known = this.#cases.get(caseId);
    if (known) {
      known.deliveries += 1;
      return { record: known, duplicate: true };
    }
    const record: ReceivedCase<T> = {
      caseId,
      provinceCaseNo: this.#newCaseNo(this.#cases.size + 1),
      deliveries: 1,
      receivedAt: new Date().toISOString(),
      data,
    };
    this.#cases.set(caseId, record);
    return { record, duplicate: false };
  }

  get(caseId: string): ReceivedCase<T> | undefined {
    return this.#cases.get(caseId);
  }

  all(): ReceivedCase<T>[] {
    return [...this.#cases.values()];
  }
}

/** A province-style number: prefix + yyyymmdd + 6-digit sequence, e.g. SC20261125000001. */
export function caseNumber(prefix: string, seq: number): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `${prefix}${day}${String(seq).padStart(6, '0')}`;
}

/**
 * Puts a dialect's server, table and progression behind the common Sandbox surface, plus any
 * dialect extras (cq's expireTokens, xz's stats). Extras are assigned, not spread over the
 * result: spreading would freeze the `faults` getter into a snapshot.
 */
export function assembleSandbox<T, E extends object = object>(
  id: string,
  server: SandboxServer,
  table: IdempotencyTable<T>,
  progression: Progression,
  extras?: E,
): Sandbox & E {
  const sandbox: Sandbox = {
    id,
    start: (port, host) => server.start(port, host),
    stop: async () => {
      await progression.stop();
      await server.stop();
    },
    get faults() {
      return server.faults;
    },
    setFaults: (faults) => server.setFaults(faults),
    received: () => table.all() as ReceivedCase[],
    events: () => progression.posted(),
  };
  return Object.assign(sandbox, extras);
}
