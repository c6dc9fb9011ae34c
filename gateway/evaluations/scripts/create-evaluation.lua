--[[
  Records one evaluation of a case's rated party, once (gateway/README.md#evaluations): the
  evaluation hash, the province's counters (all time and the day's bucket), and for a 差评 the
  rectification it opens (hash, history, indexes) — one atomic step in the rated province's slot.
  The rating window's entry is dropped whether or not this evaluation was the first. A
  rectification opened here is also put in the province's rectification outbox (`<id>|1|opened`),
  in this same step, until its listeners (督办 tracking) have heard of it: a process that dies
  between this step and them leaves it there for the reconciler (gateway/README.md#outbox-rule).

  Input:
    KEYS[1] evaluation hash
    KEYS[2] rating windows sorted set
    KEYS[3] counters, all time (hash)
    KEYS[4] counters of the evaluation's date (hash)
    KEYS[5] dates with counters (sorted set)
    KEYS[6] rectification hash
    KEYS[7] rectification history list
    KEYS[8] index of every rectification of the province
    KEYS[9] index of OPEN rectifications
    KEYS[10] index of the portal's rectifications
    KEYS[11] the province's rectification outbox (sorted set)
    ARGV[1] evaluation fields, JSON object of strings
    ARGV[2] rating window member '<caseId>|<rated>'
    ARGV[3] counter changes, JSON array of [field, delta]
    ARGV[4] the evaluation's China date
    ARGV[5] that date as days since 1970-01-01
    ARGV[6] rectification id, or '' (no rectification)
    ARGV[7] rectification fields, JSON object of strings
    ARGV[8] rectification history entry, JSON
    ARGV[9] seconds the evaluation is kept, or '0' (for ever)
    ARGV[10] now, ms (the system clock): the outbox entry's score

  Output:
    {'created'} | {'exists', field1, value1, ...} (the evaluation already stored)
]]
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local existing = redis.call('HGETALL', KEYS[1])
  table.insert(existing, 1, 'exists')
  return existing
end
local function hset(key, json)
  local flat = {}
  for k, v in pairs(cjson.decode(json)) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  redis.call('HSET', key, unpack(flat))
end
hset(KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[9])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
for _, change in ipairs(cjson.decode(ARGV[3])) do
  redis.call('HINCRBY', KEYS[3], change[1], change[2])
  redis.call('HINCRBY', KEYS[4], change[1], change[2])
end
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[4])
if ARGV[6] ~= '' then
  hset(KEYS[6], ARGV[7])
  redis.call('RPUSH', KEYS[7], ARGV[8])
  redis.call('ZADD', KEYS[8], 0, ARGV[6])
  redis.call('ZADD', KEYS[9], 0, ARGV[6])
  redis.call('ZADD', KEYS[10], 0, ARGV[6])
  redis.call('ZADD', KEYS[11], ARGV[10], ARGV[6] .. '|1|opened')
end
return {'created'}
