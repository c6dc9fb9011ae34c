--[[
  Keeps the province's case number of a delivery the worker could not record as a status move,
  because a province event had already moved the case past ROUTED: set only if the case still
  exists and has none yet (a number the province reported itself wins).

  Input:
    KEYS[1] case hash
    KEYS[2] the shard's key of that province case number (transition-case.lua sets it too)
    ARGV[1] province case number
    ARGV[2] case id

  Output:
    1 when stored, 0 otherwise
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local stored = redis.call('HSETNX', KEYS[1], 'provinceCaseNo', ARGV[1])
if stored == 1 then
  redis.call('SET', KEYS[2], ARGV[2])
  -- A case already closed: the number's key goes with it.
  local ttl = redis.call('TTL', KEYS[1])
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
end
return stored
