// What every part of the case store shares (gateway/README.md#case-store): its Redis client, the
// key names, the sealer, its settings, its clock and the source of a move's own id. Built once, by
// the CaseStore constructor (case-store.ts), and handed to each part at construction, so the case
// keys and the client have one owner whichever process builds the store (gateway, worker, operator
// CLI): no part makes its own, and none exposes them (a part keeps the context in a private field).
import type { Config } from '../../config/load-config.ts';
import type { DataKeySettings } from '../personal-data/data-keys.ts';
import type { Sealer } from '../personal-data/sealed-data.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';

/** With the data keys: production without GW_DATA_KEYS stops here, before anything is stored. */
export type CaseStoreSettings = Pick<
  Config,
  | 'keyPrefix'
  | 'redisShards'
  | 'idempotencyTtlSeconds'
  | 'idempotencyLegacyWrite'
  | 'caseRetentionDays'
> &
  DataKeySettings;

export interface CaseStoreContext {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** Seals under the current data key, opens under any listed one (personal-data/). */
  readonly sealer: Sealer;
  readonly config: CaseStoreSettings;
  /** The clock of every status time the store sets. */
  readonly now: () => Date;
  /**
   * A move's own id, one per call (cases/scripts/last-move.lua): a worker's connection sends a
   * command again after a reconnect when Redis applied it unanswered (README.md#redis-durability),
   * and the script knows its own second run by this id.
   */
  moveId(): string;
  /** How long a closed case is kept, in seconds (GW_CASE_RETENTION_DAYS; 0 = for ever). */
  retentionSeconds(): number;
}
