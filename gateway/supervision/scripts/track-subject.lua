--[[
  Library chunk (no KEYS/ARGV of its own): track_subject, the one way a subject is put on a 督办
  board. Prepended (after subject-record.lua) to track.lua and to cases/scripts/create-case.lua, so
  a submission schedules its 督办 in the same atomic write as the case
  (gateway/README.md#supervision-engine).

  track_subject(subject, case_key, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms)
  counts the subject open (once), keeps its due time and asks the supervisor to look at it at
  at_ms — unless it is settled or every flag is already raised. `subject` and `case_key` say where
  its board record is (subject_record). Answers 1 when scheduled, 0 otherwise (also for a case
  that is gone: its schedule is dropped).
]]
local function track_subject(subject, case_key, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms)
  local record = subject_record(subject, case_key)
  if record.gone then
    redis.call('ZREM', due, member)
    redis.call('ZREM', deadlines, member)
    return 0
  end
  if record_get(record, 'settled') == '1' then
    return 0
  end
  if record_setnx(record, 'open', '1') == 1 then
    record_set(record, 'gauge', gauge_prefix)
    redis.call('HINCRBY', gauges, gauge_prefix .. 'open', 1)
  end
  redis.call('ZADD', deadlines, due_ms, member)
  local raised = record_mget(record, {'warning', 'overdue', 'escalated'})
  if raised[1] == '1' and raised[2] == '1' and raised[3] == '1' then
    redis.call('ZREM', due, member)
    return 0
  end
  redis.call('ZADD', due, at_ms, member)
  return 1
end
