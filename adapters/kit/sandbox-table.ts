// A sandbox's idempotency table (adapters/README.md#sandboxes): one provincial case per gateway
// case id, so a retried or recovered delivery is answered with the original number, as the real
// platform does. Backed by the sandbox's journal (sandbox-journal.ts), so a restarted sandbox still
// knows every case it received; the delivery itself is kept in memory only (it carries personal
// data), its digest in the journal.
import { createHash } from 'node:crypto';
import type { SandboxJournal } from './sandbox-journal.ts';

/** What a sandbox recorded for one gateway case id. */
export interface ReceivedCase<T = Record<string, unknown>> {
  caseId: string;
  provinceCaseNo: string;
  /** 1 + the number of duplicate deliveries. */
  deliveries: number;
  receivedAt: string;
  /** SHA-256 of the delivery as the province decoded it. */
  digest: string;
  /**
   * The delivery as the province decoded it (dialect field names); only for cases received since
   * this sandbox started — never written to disk.
   */
  data?: T;
}

export class IdempotencyTable<T = Record<string, unknown>> {
  readonly #cases = new Map<string, ReceivedCase<T>>();
  readonly #newCaseNo: (seq: number) => string;
  readonly #journal: SandboxJournal;

  /** newCaseNo builds the province's own number from a running sequence. */
  constructor(newCaseNo: (seq: number) => string, journal: SandboxJournal) {
    this.#newCaseNo = newCaseNo;
    this.#journal = journal;
    for (const entry of journal.read()) {
      if (entry.k === 'case') {
        const { caseId, provinceCaseNo, receivedAt, digest } = entry;
        this.#cases.set(caseId, { caseId, provinceCaseNo, receivedAt, digest, deliveries: 1 });
      } else if (entry.k === 'again') {
        const known = this.#cases.get(entry.caseId);
        if (known) known.deliveries += 1;
      }
    }
  }

  /** Records a delivery; the same case id again returns the stored case, flagged duplicate. */
  receive(caseId: string, data: T): { record: ReceivedCase<T>; duplicate: boolean } {
    const known = this.#cases.get(caseId);
    if (known) {
      known.deliveries += 1;
      this.#journal.append({ k: 'again', caseId });
      return { record: known, duplicate: true };
    }
    const record: ReceivedCase<T> = {
      caseId,
      provinceCaseNo: this.#newCaseNo(this.#cases.size + 1),
      deliveries: 1,
      receivedAt: new Date().toISOString(),
      digest: digestOf(data),
      data,
    };
    this.#cases.set(caseId, record);
    const { provinceCaseNo, receivedAt, digest } = record;
    this.#journal.append({ k: 'case', caseId, provinceCaseNo, receivedAt, digest });
    return { record, duplicate: false };
  }

  get(caseId: string): ReceivedCase<T> | undefined {
    return this.#cases.get(caseId);
  }

  /** The case the province numbered `provinceCaseNo`. */
  byProvinceCaseNo(provinceCaseNo: string): ReceivedCase<T> | undefined {
    for (const record of this.#cases.values()) {
      if (record.provinceCaseNo === provinceCaseNo) return record;
    }
    return undefined;
  }

  /** True when `data` is what was first delivered under `caseId` (or nothing was). */
  sameDelivery(caseId: string, data: T): boolean {
    const known = this.#cases.get(caseId);
    return !known || known.digest === digestOf(data);
  }

  all(): ReceivedCase<T>[] {
    return [...this.#cases.values()];
  }
}

function digestOf(data: unknown): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}
