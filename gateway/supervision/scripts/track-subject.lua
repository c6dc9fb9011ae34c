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

  track_new_case(fields, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms) is
  track_subject for a case hash the caller is about to write for the first time (create-case.lua):
  its record is then in the case hash (a subject hash of its own belongs only to a case stored
  before the board moved there), not settled, nothing raised and not yet counted open, so it makes
  the writes track_subject would make then without its six reads and single-field writes (a third
  of the submission's write in Redis CPU): the board fields are appended to `fields`, the
  field-value list the caller then writes with one HSET. Answers 1 (scheduled).
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

local function track_new_case(fields, due, gauges, deadlines, member, gauge_prefix, at_ms, due_ms)
  fields[#fields + 1] = CASE_BOARD_FIELDS .. 'open'
  fields[#fields + 1] = '1'
  fields[#fields + 1] = CASE_BOARD_FIELDS .. 'gauge'
  fields[#fields + 1] = gauge_prefix
  redis.call('HINCRBY', gauges, gauge_prefix .. 'open', 1)
  redis.call('ZADD', deadlines, due_ms, member)
  redis.call('ZADD', due, at_ms, member)
  return 1
end
