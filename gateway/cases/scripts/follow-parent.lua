--[[
  Lets a joint parent catch up with its children on its own, outside any child's move: the
  joint-case queue's job once every child is delivered, and the reconciler's repair of parents left
  behind (gateway/README.md#joint-parent-atomicity). follow_parent comes from the parent-follow.lua
  chunk the case store prepends to this script (after last-move.lua).

  Input:
    KEYS[1] the parent's hash
    KEYS[2] the parent's history list
    KEYS[3] the parent's event digests
    KEYS[4] the parent's sealed envelope
    KEYS[5..] every child's hash (the family shares one hash tag, so one slot)
    ARGV[1] the parent rule, JSON (see parent-follow.lua)
    ARGV[2] updatedAt and history time, ISO string
    ARGV[3] seconds a closed parent's keys are kept, or '0'
    ARGV[4] this call's move id (random, one per call; last-move.lua): run again — applied by
            Redis, its answer lost, sent again by a worker's connection (README.md#redis-durability)
            — the call answers that the parent moved, as its first run did, and writes nothing;
            without it the second run found the parent moved and answered that nothing moved, so
            the parent's listeners (its portal's callback) never heard of the move

  Output: {} when the parent stays, else {previous status, new status, stored history length} (the
  first run's, when this call already moved it); the parent's current status is then read by the
  caller if needed.
]]
local children = {}
for i = 5, #KEYS do children[#children + 1] = KEYS[i] end
local followed = follow_parent(KEYS[1], KEYS[2], KEYS[3], KEYS[4], children,
  cjson.decode(ARGV[1]), ARGV[2], true, tonumber(ARGV[3]), ARGV[4])
if followed then return followed end
return {}
