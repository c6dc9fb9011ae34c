--[[
  Raises one 督办 flag of a supervised record — a case (gateway/cases/case-store.ts) or a
  rectification (gateway/rectifications/rectification-store.ts), both a hash with `status` and
  `flags` (JSON) plus a history list — and records it in the history, once: a flag already
  raised, by this or another supervisor instance, is left alone. The status is not touched; the
  history entry carries the current one.

  Input:
    KEYS[1] record hash
    KEYS[2] history list
    ARGV[1] flag: warning, overdue or escalated
    ARGV[2] at, ISO string
    ARGV[3] actor
    ARGV[4] note

  Output:
    1 when raised, 0 when the record is gone or the flag was already up
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 0
end
local flags = cjson.decode(redis.call('HGET', KEYS[1], 'flags') or '{}')
if flags[ARGV[1]] == true then
  return 0
end
flags[ARGV[1]] = true
redis.call('HSET', KEYS[1], 'flags', cjson.encode(flags))
local entry = {at = ARGV[2], status = status, actor = ARGV[3], note = ARGV[4]}
redis.call('RPUSH', KEYS[2], cjson.encode(entry))
return 1
