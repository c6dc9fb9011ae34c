// Case ids are ULIDs (sortable by time, gateway/README.md#retention). ulid's default PRNG asks
// WebCrypto for one byte per character, 16 calls an id (~60 µs on the bench machine, issue 7); this
// PRNG takes the same kind of bytes (one crypto-random byte per character, / 256) from a
// RandomPool, so the ids are as random as before for a few µs. The last two
// characters name the case's Redis shard (gateway/README.md#redis-data-layout): still a ULID, still
// 26 characters of the same alphabet, with 70 random bits instead of 80.
import { decodeTime, ulid } from 'ulid';
import { RandomPool } from '../shared/random-pool.ts';
import { shardSuffix } from '../shared/redis-keys.ts';

/** A case id's shape: a ULID, or a joint child's (its parent's ULID and `-<n>`). */
export const CASE_ID = /^[0-9A-HJKMNP-TV-Z]{26}(-[0-9]{1,2})?$/;

const random = new RandomPool();
const pooledRandom = () => random.fraction();

/** A new case id in shard `shard`. */
export function newCaseId(shard: number): string {
  return ulid(undefined, pooledRandom).slice(0, 24) + shardSuffix(shard);
}

/**
 * When a case was created, read from its id (a joint child's id is its parent's ULID and `-<n>`);
 * undefined for an id that is no ULID, which no gateway ever made.
 */
export function caseCreatedAtMs(caseId: string): number | undefined {
  try {
    return decodeTime(caseId.slice(0, 26));
  } catch {
    return undefined;
  }
}
