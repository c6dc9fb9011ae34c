--[[
  Tracks one supervised subject on the 督办 board (gateway/supervision/supervision-board.ts): counts
  it open once (its gauge), then asks the supervisor to look at it at the given time — unless it
  is settled (its supervision ended) or every flag is already raised (nothing left to look for).
  Used when a subject starts being supervised, when its due time moves, and by the supervisor to
  say when to look next. Its due time is kept while it is supervised.

  Input:
    KEYS[1] subject hash
    KEYS[2] due sorted set
    KEYS[3] gauges hash
    KEYS[4] deadlines sorted set
    ARGV[1] due member, '<kind>:<id>'
    ARGV[2] gauge field prefix, '<kind>|<province>|<item>|'
    ARGV[3] province
    ARGV[4] item code
    ARGV[5] when to look (ms)
    ARGV[6] the subject's due time (ms): /readyz checks the furthest has a calendar

  Output:
    1 when scheduled, 0 when settled or nothing is left to raise
]]
if redis.call('HGET', KEYS[1], 'settled') == '1' then
  return 0
end
if redis.call('HSETNX', KEYS[1], 'open', '1') == 1 then
  redis.call('HSET', KEYS[1], 'gauge', ARGV[2], 'province', ARGV[3], 'item', ARGV[4])
  redis.call('HINCRBY', KEYS[3], ARGV[2] .. 'open', 1)
end
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
local raised = redis.call('HMGET', KEYS[1], 'warning', 'overdue', 'escalated')
if raised[1] == '1' and raised[2] == '1' and raised[3] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 1
