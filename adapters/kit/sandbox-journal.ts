// A sandbox's memory across restarts (adapters/README.md#sandbox-persistence): an append-only
// journal, one JSON line per change, in `<dataDir>/<adapter>.jsonl`. A real provincial platform
// does not forget the cases it received or the events it still owes when it restarts, and the
// gateway's fault tests count "delivered twice at a province" from this table — so it lives in a
// file of the province's own (under the private `.data/` folder for `npm start`), independent of
// the gateway's Redis, whose outages and kills are exactly what those tests inject.
//
// appendFileSync before the province answers: once a delivery is answered or an event is
// recorded, a killed process (SIGKILL) still finds it on restart (the OS holds the write; only a
// machine crash could lose the last lines, which is acceptable for a stand-in). The delivery
// itself — personal data — is never written: only its digest. A decision is the province's own
// record and is written whole (a tax core's payment names the account it debited).
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** An event as the province reports it, in the gateway's event body (POST /v1/cases/{id}/events). */
export interface ProvinceEventBody {
  type: string;
  at: string;
  note?: string;
  provinceCaseNo?: string;
  result?: Record<string, unknown>;
}

/** How a province handles a case it received; decided by its tax core for tax items. */
export type CaseOutcome =
  | { readonly type: 'correction-required'; readonly note: string }
  | { readonly type: 'decided'; readonly result: Record<string, unknown> };

export type JournalEntry =
  /** A new provincial case for a gateway case id. */
  | { k: 'case'; caseId: string; provinceCaseNo: string; receivedAt: string; digest: string }
  /** The same gateway case delivered again. */
  | { k: 'again'; caseId: string }
  /**
   * How the province decided to handle a new case (its tax core's decision, sandbox-progression.ts),
   * so a restart carries on with the same script.
   */
  | { k: 'plan'; caseId: string; outcome: CaseOutcome }
  /** The province moved the case on: the event it owes the gateway. */
  | { k: 'step'; caseId: string; event: ProvinceEventBody }
  /** An owed event is settled: answered (HTTP status), given up ('error') or muted ('silenced'). */
  | { k: 'posted'; caseId: string; type: string; status: number | 'error' | 'silenced' };

export class SandboxJournal {
  readonly #file: string | undefined;
  /** Without a data folder: kept in memory, so a stop and start of the same sandbox resumes. */
  readonly #memory: JournalEntry[] = [];

  constructor(adapterId: string, dataDir?: string) {
    this.#file = dataDir ? join(dataDir, `${adapterId}.jsonl`) : undefined;
    if (this.#file) mkdirSync(dirname(this.#file), { recursive: true });
  }

  get file(): string | undefined {
    return this.#file;
  }

  /** Every entry written so far, oldest first; a torn last line (a kill mid-write) is skipped. */
  read(): JournalEntry[] {
    return this.#file ? readJournal(this.#file) : [...this.#memory];
  }

  append(entry: JournalEntry): void {
    if (this.#file) appendFileSync(this.#file, `${JSON.stringify(entry)}\n`);
    else this.#memory.push(entry);
  }
}

/** A journal file's entries; a missing file is an empty journal. Tests read it the same way. */
export function readJournal(file: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // only the last line can be torn, and it was never answered
    }
  }
  return entries;
}
