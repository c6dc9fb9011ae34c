--[[
  Ends the supervision of a subject (a case decided or closed, a rectification done or voided):
  its gauges count it no more, the supervisor no longer looks at it. Once: a settled subject stays
  settled, and tracking it again is refused.

  Input:
    KEYS[1] subject hash
    KEYS[2] due sorted set
    KEYS[3] gauges hash
    KEYS[4] deadlines sorted set
    ARGV[1] due member, '<kind>:<id>'
    ARGV[2] seconds the subject's board record is kept, or '0' (for ever)

  Output:
    1 when settled now, 0 when it already was
]]
if redis.call('HGET', KEYS[1], 'settled') == '1' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  return 0
end
local state = redis.call('HMGET', KEYS[1], 'open', 'gauge', 'warning', 'overdue', 'escalated')
if state[1] == '1' then
  redis.call('HINCRBY', KEYS[3], state[2] .. 'open', -1)
  local flags = {'warning', 'overdue', 'escalated'}
  for i = 1, 3 do
    if state[i + 2] == '1' then
      redis.call('HINCRBY', KEYS[3], state[2] .. flags[i], -1)
    end
  end
end
redis.call('HSET', KEYS[1], 'settled', '1')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
return 1
