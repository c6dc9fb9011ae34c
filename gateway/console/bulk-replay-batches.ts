// A console bulk replay is done once per confirmation (gateway/console/README.md#pages). The
// confirmation page gives its form a random batch id; the POST claims that id in Redis before it
// replays, stores the result under it, and redirects to a page that reads it. So reloading the
// result, or sending the confirmed form again (back, then resubmit), shows what that batch did —
// it never replays the next 200 letters, which a page answered to the POST itself did on reload.
// A batch whose replay was refused (403, 422, Redis unavailable) gives its claim back: the same
// form may be sent again once the cause is gone.
import { randomBytes } from 'node:crypto';
import type { BulkReplayResult } from '../admin/dead-letter-bulk-replay.ts';
import type { FailureKindKey } from '../cases/failure-kind.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { ConsoleKeys } from '../shared/redis-keys.ts';

/** How long a batch's result stays readable (and its id refused a second run). */
const KEPT_SECONDS = 24 * 3600;
const BATCH_ID = /^[A-Za-z0-9_-]{22}$/;

export interface BatchRecord {
  adapter: string;
  kind: FailureKindKey;
  operator: string;
  /** Absent while the batch runs. */
  result?: BulkReplayResult;
}

export function newBatchId(): string {
  return randomBytes(16).toString('base64url');
}

export function isBatchId(value: string): boolean {
  return BATCH_ID.test(value);
}

export class BulkReplayBatches {
  readonly #redis: RedisClient;
  readonly #keys: ConsoleKeys;

  constructor(redis: RedisClient, keys: ConsoleKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** True when this call claimed the id (the batch may run); false when it ran or runs already. */
  async claim(batchId: string, record: Omit<BatchRecord, 'result'>): Promise<boolean> {
    const set = await this.#redis.set(
      this.#keys.bulkReplay(batchId),
      JSON.stringify(record),
      'EX',
      KEPT_SECONDS,
      'NX',
    );
    return set === 'OK';
  }

  async finish(batchId: string, record: BatchRecord): Promise<void> {
    await this.#redis.set(
      this.#keys.bulkReplay(batchId),
      JSON.stringify(record),
      'EX',
      KEPT_SECONDS,
    );
  }

  /** The claim given back: the replay did not run. */
  async release(batchId: string): Promise<void> {
    await this.#redis.del(this.#keys.bulkReplay(batchId));
  }

  async read(batchId: string): Promise<BatchRecord | undefined> {
    const text = await this.#redis.get(this.#keys.bulkReplay(batchId));
    return text ? (JSON.parse(text) as BatchRecord) : undefined;
  }
}
