--[[
  Links a new case to the earlier case it follows up (its envelope's relatedCaseId,
  gateway/README.md#related-cases): the earlier case lists the new one in `followUps` and its
  history says so. Once only: a dispatch repeated by a replay or the reconciler finds the link and
  changes nothing. The status is not touched; the history entry carries the current one. A closed
  case keeps its retention clock (HSET and RPUSH leave the TTL as it is).

  Input:
    KEYS[1] the earlier case's hash
    KEYS[2] the earlier case's history list
    ARGV[1] the new case's id
    ARGV[2] at, ISO string
    ARGV[3] actor (the portal)
    ARGV[4] note

  Output:
    1 when linked, 0 when the earlier case is gone or already links the new one
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 0
end
local raw = redis.call('HGET', KEYS[1], 'followUps')
local followUps = {}
if raw then
  followUps = cjson.decode(raw)
end
for _, id in ipairs(followUps) do
  if id == ARGV[1] then
    return 0
  end
end
followUps[#followUps + 1] = ARGV[1]
redis.call('HSET', KEYS[1], 'followUps', cjson.encode(followUps))
local entry = {at = ARGV[2], status = status, actor = ARGV[3], note = ARGV[4]}
redis.call('RPUSH', KEYS[2], cjson.encode(entry))
return 1
