--[[
  Puts one dead letter in its place in the dead-letter index (gateway/cases/dead-letter-index.ts),
  or takes it out: the repair of an index a gateway of the previous version did not keep (letters
  stored before the index, or added or replayed by an old instance during a rolling upgrade). The
  kind was read from the case's reason by the caller; the list is checked here, in the same step
  as the write, so a move made meanwhile (a replay, a newer failure of another kind) wins.

  Input:
    KEYS[1] case hash
    KEYS[2] the shard's dead-letter sorted set
    KEYS[3] the shard's set of dead-letter index names
    KEYS[4..7] the case's adapter's index of each failure kind, in FAILURE_KINDS order
    ARGV[1] case id
    ARGV[2] the failure kind's place (1..4), or 0: the case is no dead letter (take it out of the
            index, and out of the list when its case is gone or no longer DELIVERY_FAILED)
    ARGV[3] its score in the dead-letter list when the caller read its reason ('' with kind 0)

  Output: 'indexed' | 'removed' | 'moved' (the letter is not where the caller read it: left)
]]
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
local status = redis.call('HGET', KEYS[1], 'status')
local kind = tonumber(ARGV[2])
if kind > 0 then
  if not score or tonumber(score) ~= tonumber(ARGV[3]) or status ~= 'DELIVERY_FAILED' then
    return 'moved'
  end
  index_dead_letter(3, ARGV[1], kind, score)
  return 'indexed'
end
-- A dead letter after all (failed again meanwhile): its own move indexed it.
if score and status == 'DELIVERY_FAILED' then return 'moved' end
-- Every move keeps the list in step with the status: an entry whose case is gone or no longer
-- DELIVERY_FAILED was left by a hand, and leaves the list too.
if score then redis.call('ZREM', KEYS[2], ARGV[1]) end
index_dead_letter(3, ARGV[1], 0, 0)
return 'removed'
