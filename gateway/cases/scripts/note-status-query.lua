--[[
  Records in a case's history that its province was asked where the case stands and had no news
  (gateway/README.md#silence-reconciliation) — at most once per window, so a province silent for
  weeks does not grow the history by one entry per query: the queries in between are counted, and
  the next entry says how many there were. Every query, noted or not, sets `queriedAt`.

  Input:
    KEYS[1] case hash
    KEYS[2] history list
    ARGV[1] now, ISO string (the entry's time and queriedAt)
    ARGV[2] now, ms
    ARGV[3] window, ms: no entry when the last one is younger
    ARGV[4] actor (adapter:<id>)
    ARGV[5] note of the entry (the count of unlisted queries is appended)

  The same query run twice (applied, its answer lost, sent again by the worker's connection on
  the next one: README.md#redis-durability) changes nothing the second time: its time is already
  `queriedAt`, and it answers what the first did.

  Output: 1 when an entry was written, 0 when the query was only counted, -1 when the case is gone.
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if redis.call('HGET', KEYS[1], 'queriedAt') == ARGV[1] then
  return redis.call('HGET', KEYS[1], 'queryNotedAtMs') == ARGV[2] and 1 or 0
end
redis.call('HSET', KEYS[1], 'queriedAt', ARGV[1])
local noted = tonumber(redis.call('HGET', KEYS[1], 'queryNotedAtMs') or '')
if noted and tonumber(ARGV[2]) - noted < tonumber(ARGV[3]) then
  redis.call('HINCRBY', KEYS[1], 'queriesUnnoted', 1)
  return 0
end
local unnoted = tonumber(redis.call('HGET', KEYS[1], 'queriesUnnoted') or '0')
local note = ARGV[5]
if unnoted > 0 then
  note = note .. string.format(' (%d more queries since the last entry)', unnoted)
end
redis.call('RPUSH', KEYS[2],
  cjson.encode({ at = ARGV[1], status = status, actor = ARGV[4], note = note }))
redis.call('HSET', KEYS[1], 'queryNotedAtMs', ARGV[2], 'queriesUnnoted', 0)
return 1
