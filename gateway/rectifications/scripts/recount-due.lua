--[[
  Sets a rectification's due times counted again on a working-day calendar published, corrected or
  asked again since they were counted (gateway/supervision/calendar-recount.ts),
  with its history entry, in one step in the owner province's slot: a compare-and-set on the due
  times the recount was made from, so a move that changed them meanwhile keeps its own change, and
  a recount run twice changes them once. The history entry lengthens the history, so a move read
  before it is refused as changed and made again from the record as it is then
  (move-rectification.lua). The status is not touched; the entry carries the current one. Its 督办
  board, under `{supervise}`, is moved after this step (SupervisionBoard.track).

  Input:
    KEYS[1] rectification hash
    KEYS[2] history list
    ARGV[1] the due time the recount was made from (ISO, as stored)
    ARGV[2] the visit due time it was made from (ISO, as stored)
    ARGV[3] the recounted due time (ISO)
    ARGV[4] the recounted visit due time (ISO)
    ARGV[5] '1' when the recount still reaches a year without a calendar, else ''
    ARGV[6] the history entry, JSON {at, actor, note} ('' when no due time changed: only the
            assumed mark goes)

  Output:
    1 when recounted now, 0 when it is gone, a due time moved meanwhile, or there is nothing to
    change (recounted before: the due times kept and no mark to take off)
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'dueAt', 'visitDueAt', 'calendarAssumed')
if not state[1] or state[2] ~= ARGV[1] or state[3] ~= ARGV[2] then
  return 0
end
local moved = ARGV[3] ~= ARGV[1] or ARGV[4] ~= ARGV[2]
if not moved and (ARGV[5] == '1' or state[4] ~= 'true') then
  return 0
end
redis.call('HSET', KEYS[1], 'dueAt', ARGV[3], 'visitDueAt', ARGV[4])
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'calendarAssumed', 'true')
else
  redis.call('HDEL', KEYS[1], 'calendarAssumed')
end
if ARGV[6] ~= '' then
  local entry = cjson.decode(ARGV[6])
  entry.status = state[1]
  redis.call('RPUSH', KEYS[2], cjson.encode(entry))
end
return 1
