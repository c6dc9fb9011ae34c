--[[
  Lets a joint parent catch up with its children on its own, outside any child's move: the
  joint-case queue's job once every child is delivered, and the reconciler's repair of parents left
  behind (gateway/README.md#joint-parent-atomicity). follow_parent comes from the parent-follow.lua
  chunk the case store prepends to this script (after last-move.lua).

  Input:
    KEYS[1] the shard's move outbox (sorted set): the parent's move enters it, as a move of
            transition-case.lua does, until the store has told its listeners
    KEYS[2] the parent's hash
    KEYS[3] the parent's history list
    KEYS[4] the parent's event digests
    KEYS[5] the parent's sealed envelope
    KEYS[6..] every child's hash (the family shares one hash tag, so one slot)
    ARGV[1] the parent rule, JSON (see parent-follow.lua)
    ARGV[2] updatedAt and history time, ISO string
    ARGV[3] seconds a closed parent's keys are kept, or '0'
    ARGV[4] this call's move id (random, one per call; last-move.lua): run again — applied by
            Redis, its answer lost, sent again by a worker's connection (README.md#redis-durability)
            — the call answers that the parent moved, as its first run did, and writes nothing;
            without it the second run found the parent moved and answered that nothing moved, so
            the parent's listeners (its portal's callback) never heard of the move
    ARGV[5] the parent's id, for its move outbox entry
    ARGV[6] now, ms (the system clock): the move outbox entry's score

  Output: {} when the parent stays, else {previous status, new status, stored history length} (the
  first run's, when this call already moved it); the parent's current status is then read by the
  caller if needed.
]]
local children = {}
for i = 6, #KEYS do children[#children + 1] = KEYS[i] end
local followed = follow_parent(KEYS[2], KEYS[3], KEYS[4], KEYS[5], children,
  cjson.decode(ARGV[1]), ARGV[2], true, tonumber(ARGV[3]), ARGV[4])
if followed then
  -- The entry as transition-case.lua's move_entry spells it.
  redis.call('ZADD', KEYS[1], ARGV[6], ARGV[5] .. '|' .. followed[3] .. '|parent-followed|' ..
    followed[1] .. '|' .. ARGV[2])
  return followed
end
return {}
