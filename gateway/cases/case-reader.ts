// Reading a case (gateway/README.md#case-store): its record, its history (the submission's derived
// entries, then its stored moves, notes opened), and the two things only a reader that shows them
// opens — the submitted envelope (a case read, a delivery: gateway/README.md#encryption-at-rest)
// and the province's result (a case read; a callback opens it through its transition notice).
// Reads only: nothing here writes a case key. A part of the case store, built by the CaseStore
// (case-store.ts) from its one context, so the keys, the Redis client and the sealer keep one
// owner; the store delegates get, getForDelivery, openEnvelope, openResult and history here, and
// the parts that move a case read it here too.
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import { openEntryNote } from '../personal-data/sealed-text.ts';
import { runScriptBuffer } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import { caseFamilyId, type RedisKeys } from '../shared/redis-keys.ts';
import {
  CorruptCaseError,
  fromHash,
  LEGACY_ENVELOPE_FIELD,
  type CaseRecord,
  type HistoryEntry,
} from './case-record.ts';
import { CASE_SCRIPTS } from './case-scripts.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import { openStoredResult } from './stored-result.ts';
import { caseHistory } from './submission-history.ts';

export class CaseReader {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sealer: Sealer;

  constructor(context: CaseStoreContext) {
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#sealer = context.sealer;
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return fromHash(await this.#redis.hgetall(this.#keys.case(id)), id);
  }

  /**
   * The cases that hold a province's case number (受理编号), for an operator who has only that
   * number: the number's key in every shard (one pipelined read), each case read back and kept only
   * if it still holds that number (a key left by a number the province changed says nothing).
   * Numbers are the platforms' own: two platforms issuing the same one would share its key, the
   * case moved last found.
   */
  async findByProvinceCaseNo(provinceCaseNo: string): Promise<CaseRecord[]> {
    const replies =
      (await this.#redis
        .pipeline(this.#keys.allShards.map((shard) => ['get', shard.provinceCase(provinceCaseNo)]))
        .exec()) ?? [];
    const ids = [...new Set(replies.map(([, id]) => id).filter((id) => typeof id === 'string'))];
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter(
      (record): record is CaseRecord => record?.provinceCaseNo === provinceCaseNo,
    );
  }

  /**
   * The case and, for a delivery, a way to open its envelope, in one command
   * (read-for-delivery.lua): the hash and the family's sealed envelope key, as bytes, instead of
   * the record and then the envelope. The envelope is opened only when asked (a case the worker
   * skips is never decrypted).
   */
  async getForDelivery(
    id: string,
  ): Promise<{ record: CaseRecord; openEnvelope: () => Promise<SubmissionEnvelope> } | undefined> {
    // A joint child's envelope is its parent's: the same hash tag, read in the same command.
    const owner = caseFamilyId(id);
    const reply = (await runScriptBuffer(
      this.#redis,
      CASE_SCRIPTS.readForDelivery,
      [this.#keys.case(id), this.#keys.envelope(owner)],
      [],
    )) as (Buffer | null)[];
    const hash: Record<string, string> = {};
    let sealed = reply[0] ?? undefined;
    for (let i = 1; i + 1 < reply.length; i += 2) {
      const field = reply[i]!.toString('utf8');
      const value = reply[i + 1]!;
      // A case stored before the envelope had a key of its own keeps it in its hash.
      if (field === LEGACY_ENVELOPE_FIELD) sealed ??= owner === id ? value : undefined;
      else hash[field] = value.toString('utf8');
    }
    const record = fromHash(hash, id);
    if (!record) return undefined;
    return {
      record,
      openEnvelope: async () =>
        sealed ? (this.#sealer.open(sealed, owner) as SubmissionEnvelope) : this.openEnvelope(id),
    };
  }

  /**
   * The case's submitted envelope, decrypted: for reading the case (then masked) and delivering
   * it, nowhere else. Throws SealedDataError when it cannot be opened (a key no longer listed,
   * tampered bytes), CorruptCaseError when the case has none.
   */
  async openEnvelope(id: string): Promise<SubmissionEnvelope> {
    // Stored once per family, for the parent (sealed under its id): a joint child reads it there.
    const owner = caseFamilyId(id);
    const sealed =
      (await this.#redis.getBuffer(this.#keys.envelope(owner))) ??
      // A case stored before the envelope had a key of its own keeps it in its hash.
      (await this.#redis.hgetBuffer(this.#keys.case(owner), LEGACY_ENVELOPE_FIELD));
    if (!sealed) throw new CorruptCaseError(`case ${id} has no stored envelope`);
    return this.#sealer.open(sealed, owner) as SubmissionEnvelope;
  }

  /**
   * The case's result, decrypted (undefined when it has none): for the readers that show it — a
   * case read (then masked), a callback — nowhere else; a move, a list or the 督办 never open it.
   * Throws SealedDataError when it cannot be opened (a key no longer listed, tampered bytes),
   * CorruptCaseError when a result stored before results were sealed is not JSON.
   */
  openResult(record: Pick<CaseRecord, 'id' | 'storedResult'>): unknown {
    const stored = record.storedResult;
    return stored === undefined ? undefined : openStoredResult(this.#sealer, stored, record.id);
  }

  /**
   * The case's history, oldest first: its submission's entries (derived from the record: pass it
   * when just read, else it is read here), then the stored ones of its later moves.
   */
  async history(id: string, record?: CaseRecord): Promise<HistoryEntry[]> {
    const [raw, read] = await Promise.all([
      this.#redis.lrange(this.#keys.history(id), 0, -1),
      record ?? this.get(id),
    ]);
    // Its sealed notes opened here, for the readers that show it (then masked); one that does
    // not open reads as UNREADABLE_NOTE rather than failing the read.
    const stored = raw.map((entry) =>
      openEntryNote(this.#sealer, id, JSON.parse(entry) as HistoryEntry),
    );
    return read ? caseHistory(read, stored) : stored;
  }
}
