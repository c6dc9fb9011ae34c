--[[
  Moves one case to a new status if, and only if, its current status is one of the allowed ones;
  appends the history entries and sets extra fields in the same step, so concurrent writers (the
  submit path, the reconciler, adapter workers, province events) can never regress a status.

  Input:
    KEYS[1] case hash
    KEYS[2] history list
    KEYS[3] outbox sorted set (the case leaves it once it is no longer SUBMITTED)
    KEYS[4] (optional) set of applied event digests, for events idempotent by content
    ARGV[1] allowed current statuses, comma-separated
    ARGV[2] new status
    ARGV[3] history entries, JSON array of JSON strings (pushed as they are)
    ARGV[4] extra fields, JSON object (string values)
    ARGV[5] case id
    ARGV[6] updatedAt, ISO string
    ARGV[7] (with KEYS[4]) this event's digest

  Output:
    {'ok', <previous status>, <callbackUrl or ''>, <clientId>, <history length>}
    | {'illegal', <current status>} | {'missing', ''}
    | {'duplicate', <current status>} when the digest was applied before
]]
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return {'missing', ''}
end
if KEYS[4] and redis.call('SISMEMBER', KEYS[4], ARGV[7]) == 1 then
  return {'duplicate', current}
end
local allowed = false
for status in string.gmatch(ARGV[1], '[^,]+') do
  if status == current then allowed = true end
end
if not allowed then
  return {'illegal', current}
end
local fields = cjson.decode(ARGV[4])
local flat = {'status', ARGV[2], 'updatedAt', ARGV[6]}
for k, v in pairs(fields) do
  flat[#flat + 1] = k
  flat[#flat + 1] = v
end
redis.call('HSET', KEYS[1], unpack(flat))
for _, entry in ipairs(cjson.decode(ARGV[3])) do
  redis.call('RPUSH', KEYS[2], entry)
end
if KEYS[4] then
  redis.call('SADD', KEYS[4], ARGV[7])
end
if ARGV[2] ~= 'SUBMITTED' then
  redis.call('ZREM', KEYS[3], ARGV[5])
end
local callbackUrl = redis.call('HGET', KEYS[1], 'callbackUrl') or ''
local clientId = redis.call('HGET', KEYS[1], 'clientId') or ''
return {'ok', current, callbackUrl, clientId, redis.call('LLEN', KEYS[2])}
