--[[
  Raises one 督办 flag of a subject on its board, exactly once however many supervisors race: the
  subject's flag and the flag's gauge, in one step, in the board's slot (a case's shard, or
  `{supervise}` for a rectification). Its notice was sent just before (notify.lua). The subject's
  own record (case or rectification) carries the flag and its history entry; that is raised, once,
  by its store before either runs. The board record is found by subject_record
  (subject-record.lua, prepended).

  Input:
    KEYS[1] subject hash (a case's only when stored before the board moved into the case hash)
    KEYS[2] case hash, for a case; KEYS[1] again for a rectification
    KEYS[3] gauges hash
    ARGV[1] flag: warning, overdue or escalated
    ARGV[2] gauge field prefix, '<kind>|<province>|<item>|'

  Output:
    1 when raised now, 0 when already raised, the subject is settled or the case is gone
]]
local record = subject_record(KEYS[1], KEYS[2])
if record.gone then
  return 0
end
local state = record_mget(record, {'settled', ARGV[1]})
if state[1] == '1' or state[2] == '1' then
  return 0
end
-- A subject whose tracking was lost (a process died after the move) is counted open here.
if record_setnx(record, 'open', '1') == 1 then
  record_set(record, 'gauge', ARGV[2])
  redis.call('HINCRBY', KEYS[3], ARGV[2] .. 'open', 1)
end
record_set(record, ARGV[1], '1')
redis.call('HINCRBY', KEYS[3], record_get(record, 'gauge') .. ARGV[1], 1)
return 1
