--[[
  Sets a case's due time counted again on a working-day calendar published, corrected or asked
  again since it was counted (gateway/supervision/calendar-recount.ts), in one step
  with its history entry and its 督办 board's due time and next look: a compare-and-set on the due
  time the recount was made from, so a province event or resume that moved it meanwhile keeps its
  own change (the recount is made again from the record as it is then), and a recount run twice
  changes it once. The status is not touched; the history entry carries the current one. The board
  record is found by subject_record and tracked by track_subject (subject-record.lua and
  track-subject.lua, prepended): the case's keys and its shard's board share the slot `{s<n>}`.

  Input:
    KEYS[1] subject hash (a case's only when stored before the board moved into the case hash)
    KEYS[2] case hash
    KEYS[3] history list
    KEYS[4] the shard board's due sorted set
    KEYS[5] the shard board's gauges hash
    KEYS[6] the shard board's deadlines sorted set
    ARGV[1] the due time the recount was made from (ISO, as stored)
    ARGV[2] the recounted due time (ISO)
    ARGV[3] '1' when the recount still reaches a year without a calendar (marked), else '' (the
            mark goes)
    ARGV[4] the history entry, JSON {at, actor, note} ('' when the due time is unchanged: only
            the assumed mark goes)
    ARGV[5] '1' to keep the board in step (a supervised case), '' (a joint parent: not on a board)
    ARGV[6] due member, 'case:<id>'
    ARGV[7] gauge field prefix, 'case|<province>|<item>|'
    ARGV[8] when the supervisor should look next (ms)
    ARGV[9] the recounted due time (ms)

  Output:
    1 when recounted now, 0 when the case is gone, its due time moved meanwhile, or there is
    nothing to change (recounted before: the due time kept and no mark to take off)
]]
local state = redis.call('HMGET', KEYS[2], 'status', 'dueAt', 'calendarAssumed')
if not state[1] or state[2] ~= ARGV[1] then
  return 0
end
if ARGV[2] == ARGV[1] and (ARGV[3] == '1' or state[3] ~= 'true') then
  return 0
end
if ARGV[2] ~= ARGV[1] then
  redis.call('HSET', KEYS[2], 'dueAt', ARGV[2])
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[2], 'calendarAssumed', 'true')
else
  redis.call('HDEL', KEYS[2], 'calendarAssumed')
end
if ARGV[4] ~= '' then
  local entry = cjson.decode(ARGV[4])
  entry.status = state[1]
  redis.call('RPUSH', KEYS[3], cjson.encode(entry))
end
if ARGV[5] == '1' and ARGV[2] ~= ARGV[1] then
  track_subject(KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
end
return 1
