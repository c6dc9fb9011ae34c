--[[
  An operator's rerun of a year's calendar recount (calendar-recount.ts, `npm run cli -- calendar
  recount <year>`): marks the year pending with reason 'rerun', in the `{catalogue}` slot beside
  the calendars and the publish that marks it too. A year with no published calendar cannot be
  recounted; a year already pending is left as it is (its run needs what its record keeps: a
  correction's previous version), and the caller is told.

  Input:
    KEYS[1] the published calendars hash (year → text)
    KEYS[2] the calendar recounts hash (year → state JSON)
    KEYS[3] the catalogue revision
    ARGV[1] the year
    ARGV[2] when it is asked (ISO)
    ARGV[3] the operator asking

  Output:
    {'missing'}, {'pending', state JSON} (already pending, unchanged) or {'requested', state JSON}
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return { 'missing' }
end
local text = redis.call('HGET', KEYS[2], ARGV[1])
local before = text and cjson.decode(text)
if before and before.state == 'pending' then
  return { 'pending', text }
end
local recount = cjson.encode({
  state = 'pending',
  reason = 'rerun',
  revision = tonumber(redis.call('GET', KEYS[3]) or '0'),
  publishedAt = (before and before.publishedAt) or ARGV[2],
  publishedBy = before and before.publishedBy or nil,
  requestedAt = ARGV[2],
  requestedBy = ARGV[3],
})
redis.call('HSET', KEYS[2], ARGV[1], recount)
return { 'requested', recount }
