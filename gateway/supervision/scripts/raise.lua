--[[
  Raises one 督办 flag of a subject on the board, exactly once however many supervisors race: the
  flag's gauge, and the notice to the province (预警, 催办, 通报), in one step. The subject's own
  record (case or rectification) carries the flag and its history entry; that is raised, once, by
  its store before this runs.

  Input:
    KEYS[1] subject hash
    KEYS[2] gauges hash
    KEYS[3] notice key
    KEYS[4] sorted set of all notice ids
    KEYS[5] sorted set of the province's notice ids
    ARGV[1] flag: warning, overdue or escalated
    ARGV[2] gauge field prefix, '<kind>|<province>|<item>|'
    ARGV[3] province
    ARGV[4] item code
    ARGV[5] notice id
    ARGV[6] notice JSON
    ARGV[7] seconds the notice is kept, or '0' (for ever)

  Output:
    1 when raised now, 0 when already raised or the subject is settled
]]
if redis.call('HGET', KEYS[1], 'settled') == '1' or redis.call('HGET', KEYS[1], ARGV[1]) == '1' then
  return 0
end
-- A subject whose tracking was lost (a process died after the move) is counted open here.
if redis.call('HSETNX', KEYS[1], 'open', '1') == 1 then
  redis.call('HSET', KEYS[1], 'gauge', ARGV[2], 'province', ARGV[3], 'item', ARGV[4])
  redis.call('HINCRBY', KEYS[2], ARGV[2] .. 'open', 1)
end
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('HINCRBY', KEYS[2], redis.call('HGET', KEYS[1], 'gauge') .. ARGV[1], 1)
redis.call('SET', KEYS[3], ARGV[6])
local ttl = tonumber(ARGV[7])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[3], ttl)
end
redis.call('ZADD', KEYS[4], 0, ARGV[5])
redis.call('ZADD', KEYS[5], 0, ARGV[5])
return 1
