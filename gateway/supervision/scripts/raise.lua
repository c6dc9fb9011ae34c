--[[
  Raises one 督办 flag of a subject on its board, exactly once however many supervisors race: the
  subject's flag and the flag's gauge, in one step, in the board's slot (a case's shard, or
  `{supervise}` for a rectification). Its notice was sent just before (notify.lua). The subject's
  own record (case or rectification) carries the flag and its history entry; that is raised, once,
  by its store before either runs.

  Input:
    KEYS[1] subject hash
    KEYS[2] gauges hash
    ARGV[1] flag: warning, overdue or escalated
    ARGV[2] gauge field prefix, '<kind>|<province>|<item>|'

  Output:
    1 when raised now, 0 when already raised or the subject is settled
]]
if redis.call('HGET', KEYS[1], 'settled') == '1' or redis.call('HGET', KEYS[1], ARGV[1]) == '1' then
  return 0
end
-- A subject whose tracking was lost (a process died after the move) is counted open here.
if redis.call('HSETNX', KEYS[1], 'open', '1') == 1 then
  redis.call('HSET', KEYS[1], 'gauge', ARGV[2])
  redis.call('HINCRBY', KEYS[2], ARGV[2] .. 'open', 1)
end
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('HINCRBY', KEYS[2], redis.call('HGET', KEYS[1], 'gauge') .. ARGV[1], 1)
return 1
