--[[
  Library chunk (no KEYS/ARGV of its own): track_subject, the one way a subject is put on a 督办
  board. Prepended to track.lua and to cases/scripts/create-case.lua, so a submission schedules its
  督办 in the same atomic write as the case (gateway/README.md#supervision-engine).

  track_subject(subject, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms) counts the subject open (once), keeps its due time and asks the supervisor
  to look at it at at_ms — unless it is settled or every flag is already raised. Answers 1 when
  scheduled, 0 otherwise.
]]
local function track_subject(subject, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms)
  if redis.call('HGET', subject, 'settled') == '1' then
    return 0
  end
  if redis.call('HSETNX', subject, 'open', '1') == 1 then
    redis.call('HSET', subject, 'gauge', gauge_prefix)
    redis.call('HINCRBY', gauges, gauge_prefix .. 'open', 1)
  end
  redis.call('ZADD', deadlines, due_ms, member)
  local raised = redis.call('HMGET', subject, 'warning', 'overdue', 'escalated')
  if raised[1] == '1' and raised[2] == '1' and raised[3] == '1' then
    redis.call('ZREM', due, member)
    return 0
  end
  redis.call('ZADD', due, at_ms, member)
  return 1
end
