// The dead-letter index's names and its part of transition-case.lua's call
// (gateway/cases/dead-letter-index.ts): what a summary reads back from the set of names, and what
// the script is told to write, for each adapter and failure kind.
import { describe, expect, it } from 'vitest';
import { indexCall, parseIndexName } from '../../../gateway/cases/dead-letter-index.ts';
import { FAILURE_KINDS } from '../../../gateway/cases/failure-kind.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';

const shard = redisKeys('t-dl').shard(5);

describe('the dead-letter index', () => {
  it('reads back the adapter and kind of every index name it writes, also of an adapter with a dash', () => {
    for (const adapter of ['yn', 'sc-chengdu'])
      for (const kind of FAILURE_KINDS) {
        const key = shard.deadLetterIndex(adapter, kind);
        expect(parseIndexName(shard, key)).toEqual({ key, adapter, kind });
      }
  });

  it('reads no adapter and kind from a name it never wrote: another shard’s, an unknown kind, no adapter', () => {
    expect(parseIndexName(shard, redisKeys('t-dl').shard(6).deadLetterIndex('yn', 'refused'))).toBe(
      undefined,
    );
    expect(parseIndexName(shard, shard.deadLetterIndex('yn', 'lost'))).toBeUndefined();
    expect(parseIndexName(shard, shard.deadLetterIndex('', 'refused'))).toBeUndefined();
    expect(parseIndexName(shard, shard.deadLetters)).toBeUndefined();
  });

  it('tells the script the set of names and the adapter’s four indexes, and the place of the one a failure joins', () => {
    const added = indexCall(shard, 'yn', 'add', 'gave-up');
    expect(added.keys).toEqual([
      shard.deadLetterIndexes,
      ...FAILURE_KINDS.map((k) => shard.deadLetterIndex('yn', k)),
    ]);
    expect(added.keys[Number(added.kind)]).toBe(shard.deadLetterIndex('yn', 'gave-up'));
    // A failure without a reason is counted as other, as the summary classified it before.
    const bare = indexCall(shard, 'yn', 'add');
    expect(bare.keys[Number(bare.kind)]).toBe(shard.deadLetterIndex('yn', 'other'));
    expect(indexCall(shard, 'yn', 'remove').kind).toBe('0');
  });
});
