--[[
  Applies one row of the rectification lifecycle (gateway/rectifications/rectification-lifecycle.ts)
  to one rectification, if and only if it is still exactly as the mover read it (its status and
  history length): the new status and fields, the history entry, the status indexes, the
  province's counters and, for an upheld appeal, the voided evaluation — one atomic step in the
  owner province's slot. The same event twice (by content digest) is applied once. The applied
  move also enters the province's rectification outbox (`<id>|<history length>|<move>`), in this
  same step, until its listeners (the portal's callback, 督办 tracking or settling) have heard of
  it: a process that dies between this step and them leaves it there for the reconciler
  (gateway/README.md#outbox-rule).

  Input:
    KEYS[1] rectification hash
    KEYS[2] history list
    KEYS[3] set of applied event digests
    KEYS[4] index of the status it leaves
    KEYS[5] index of the status it enters
    KEYS[6] counters, all time (hash)
    KEYS[7] counters of the 差评's date (hash)
    KEYS[8] the evaluation hash
    KEYS[9] the province's rectification outbox (sorted set)
    KEYS[10] the province's re-rating windows (sorted set, id → end ms)
    ARGV[1] the status the mover read
    ARGV[2] the history length the mover read
    ARGV[3] new status
    ARGV[4] history entry, JSON
    ARGV[5] fields to set, JSON object of strings
    ARGV[6] event digest, or ''
    ARGV[7] counter changes, JSON array of [field, delta]
    ARGV[8] rectification id
    ARGV[9] evaluation fields to set, JSON object of strings
    ARGV[10] updatedAt, ISO string
    ARGV[11] the move's name (lifecycle row), for its outbox entry
    ARGV[12] now, ms (the system clock): the outbox entry's score
    ARGV[13] the end of the re-rating window this move opens (ms), or ''

  Output:
    {'ok', <history length>} | {'duplicate', <status>} | {'changed', <status>} | {'missing', ''}
]]
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return {'missing', ''}
end
if ARGV[6] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[6]) == 1 then
  return {'duplicate', current}
end
if current ~= ARGV[1] or redis.call('LLEN', KEYS[2]) ~= tonumber(ARGV[2]) then
  return {'changed', current}
end
local function hset(key, json)
  local flat = {}
  for k, v in pairs(cjson.decode(json)) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  if #flat > 0 then
    redis.call('HSET', key, unpack(flat))
  end
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'updatedAt', ARGV[10])
hset(KEYS[1], ARGV[5])
redis.call('RPUSH', KEYS[2], ARGV[4])
if ARGV[6] ~= '' then
  redis.call('SADD', KEYS[3], ARGV[6])
end
redis.call('ZREM', KEYS[4], ARGV[8])
redis.call('ZADD', KEYS[5], 0, ARGV[8])
for _, change in ipairs(cjson.decode(ARGV[7])) do
  redis.call('HINCRBY', KEYS[6], change[1], change[2])
  redis.call('HINCRBY', KEYS[7], change[1], change[2])
end
hset(KEYS[8], ARGV[9])
redis.call('ZREM', KEYS[10], ARGV[8])
if ARGV[13] ~= '' then
  redis.call('ZADD', KEYS[10], ARGV[13], ARGV[8])
end
local length = redis.call('LLEN', KEYS[2])
redis.call('ZADD', KEYS[9], ARGV[12], ARGV[8] .. '|' .. length .. '|' .. ARGV[11])
return {'ok', length}
