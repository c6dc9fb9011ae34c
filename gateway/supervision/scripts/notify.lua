--[[
  Sends one 督办 notice (预警, 催办, 通报) of a subject's flag, exactly once however many supervisors
  race or repeat: the first call stores the notice and indexes it; a later call for the same subject
  and flag finds the guard and writes nothing. Runs under `{supervise}` (one slot), before the
  flag is raised on the subject's own board (raise.lua, the case's shard): a supervisor that dies
  between the two raises the flag on its next look, and the guard keeps the notice single.

  Input:
    KEYS[1] guard: the notice id this subject's flag was sent as (string, kept with the notice)
    KEYS[2] notice key
    KEYS[3] sorted set of all notice ids
    KEYS[4] sorted set of the province's notice ids
    ARGV[1] notice id
    ARGV[2] notice JSON
    ARGV[3] seconds the notice is kept, or '0' (for ever)

  Output:
    1 when sent now, 0 when it was sent before
]]
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ttl) then return 0 end
else
  if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
end
redis.call('SET', KEYS[2], ARGV[2])
if ttl > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
end
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[1])
return 1
