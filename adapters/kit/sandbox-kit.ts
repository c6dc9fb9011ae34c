// Shared pieces of every provincial sandbox (adapters/README.md#sandboxes), so a sandbox file holds
// only its dialect: a node:http server whose dialect handlers return { status, headers, body } and
// never touch the response (bull-board style) with runtime fault knobs (sandbox-server.ts,
// sandbox-faults.ts), and the sandbox's state — the idempotency table keyed by the gateway case id
// (sandbox-table.ts) and the event progression (sandbox-progression.ts), both kept in its journal
// (sandbox-journal.ts) so a restart resumes — plus the common Sandbox surface the registry hands
// out.
import { chinaDate } from '../../gateway/calendar/working-days.ts';
import { FaultKnobs, type FaultSettings } from './sandbox-faults.ts';
import { SandboxJournal, type ProvinceEventBody } from './sandbox-journal.ts';
import { EventProgression, type ProgressionOptions } from './sandbox-progression.ts';
import type { PostedEvent } from './sandbox-outbox.ts';
import type { SandboxServer } from './sandbox-server.ts';
import { IdempotencyTable, type ReceivedCase } from './sandbox-table.ts';

export {
  SandboxServer,
  header,
  jsonBody,
  type SandboxDialect,
  type SandboxReply,
  type SandboxRequest,
} from './sandbox-server.ts';
export {
  EventProgression,
  PROGRESSION_STEPS,
  type CaseOutcome,
  type DecisionResult,
  type PostedStep,
  type ReceivedDelivery,
  type ProgressionOptions,
  type ProgressionStep,
} from './sandbox-progression.ts';
export type { FaultSettings } from './sandbox-faults.ts';
export type { PostedEvent } from './sandbox-outbox.ts';
export type { ProvinceEventBody } from './sandbox-journal.ts';
export { IdempotencyTable, type ReceivedCase } from './sandbox-table.ts';

/** The surface every sandbox offers to npm start, demos and tests (adapters/kit/registry.ts). */
export interface Sandbox {
  readonly id: string;
  /** Listens, then resumes what its journal left unfinished (events owed, steps to come). */
  start(port?: number, host?: string): Promise<{ url: string; port: number }>;
  stop(): Promise<void>;
  readonly faults: Readonly<FaultSettings>;
  setFaults(faults: Partial<FaultSettings>): Promise<void>;
  received(): ReceivedCase[];
  events(): PostedEvent[];
  /** What the province has reported on a case so far (what its status query answers). */
  history(caseId: string): ProvinceEventBody[];
}

/** Options every sandbox factory accepts; S is the adapter's own settings (credentials). */
export interface SandboxOptions<S = unknown> {
  settings: S;
  progression?: ProgressionOptions;
  /**
   * Where the sandbox keeps its journal (adapters/README.md#sandbox-persistence), so it survives
   * its own restart; without it the sandbox remembers only while its process lives.
   */
  dataDir?: string;
}

/** A sandbox's state: its fault knobs, idempotency table and progression, on one journal. */
export interface SandboxState<T> {
  readonly id: string;
  readonly faults: FaultKnobs;
  readonly table: IdempotencyTable<T>;
  readonly progression: EventProgression;
}

export function sandboxState<T>(
  id: string,
  options: SandboxOptions,
  newCaseNo: (seq: number) => string,
): SandboxState<T> {
  const journal = new SandboxJournal(id, options.dataDir);
  const faults = new FaultKnobs();
  return {
    id,
    faults,
    table: new IdempotencyTable<T>(newCaseNo, journal),
    progression: new EventProgression(id, options.progression ?? {}, {
      journal,
      silent: () => faults.current.silent,
    }),
  };
}

/**
 * A province-style number: prefix + yyyymmdd + 6-digit sequence, e.g. SC20261125000001. The day is
 * China's, as a province's own numbering would have it: a case received at 07:30 in Kunming is
 * numbered with that day, not with the UTC day before it.
 */
export function caseNumber(prefix: string, seq: number, at = new Date()): string {
  const day = chinaDate(at).replaceAll('-', '');
  return `${prefix}${day}${String(seq).padStart(6, '0')}`;
}

/**
 * Puts a dialect's server and state behind the common Sandbox surface, plus any dialect extras
 * (cq's expireTokens, xz's stats). Extras are assigned, not spread over the result: spreading
 * would freeze the `faults` getter into a snapshot.
 */
export function assembleSandbox<T, E extends object = object>(
  server: SandboxServer,
  state: SandboxState<T>,
  extras?: E,
): Sandbox & E {
  const { progression, table } = state;
  const sandbox: Sandbox = {
    id: state.id,
    start: async (port, host) => {
      const listening = await server.start(port, host);
      progression.resume();
      return listening;
    },
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
    history: (caseId) => progression.history(caseId),
  };
  return Object.assign(sandbox, extras);
}
