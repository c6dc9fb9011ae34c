--[[
  Lets a joint parent catch up with its children on its own, outside any child's move: the
  joint-case queue's job once every child is delivered, and the reconciler's repair of parents left
  behind (gateway/README.md#joint-parent-atomicity). follow_parent comes from the parent-follow.lua
  chunk the case store prepends to this script.

  Input:
    KEYS[1] the parent's hash
    KEYS[2] the parent's history list
    KEYS[3] the parent's event digests
    KEYS[4] the parent's sealed envelope
    KEYS[5..] every child's hash (the family shares one hash tag, so one slot)
    ARGV[1] the parent rule, JSON (see parent-follow.lua)
    ARGV[2] updatedAt and history time, ISO string
    ARGV[3] seconds a closed parent's keys are kept, or '0'

  Output: {} when the parent stays, else {previous status, new status, stored history length}; the
  parent's current status is then read by the caller if needed.
]]
local children = {}
for i = 5, #KEYS do children[#children + 1] = KEYS[i] end
local followed = follow_parent(KEYS[1], KEYS[2], KEYS[3], KEYS[4], children,
  cjson.decode(ARGV[1]), ARGV[2], true, tonumber(ARGV[3]))
if followed then return followed end
return {}
