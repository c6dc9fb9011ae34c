-- Publishes an approved draft (gateway/README.md#catalogue-administration) in one step: checks the
-- draft is still in review and, for an item, that no other version was published since the draft's
-- base (the compatibility check ran against it); writes the new immutable version (or the year's
-- calendar), the superseded version's sunset, marks the draft approved, bumps the revision and
-- publishes the revision as a hint to every gateway. A calendar year the catalogue had none for
-- is marked for its recount in the same step (the due times counted with it assumed Monday to
-- Friday; gateway/supervision/calendar-recount.ts): a publish is never left without it.
-- KEYS: revision, versions, digests, latest, order, sunsets, calendars, draft, calendar recounts
-- ARGV: kind, code, base version, key, version JSON, digest, sunset key, sunset at,
--       approver, at, calendar year, calendar text, channel
-- Returns {'ok', revision, version}, {'status', current status} or {'stale', latest version}.
local kind, code, base = ARGV[1], ARGV[2], tonumber(ARGV[3])
local status = redis.call('HGET', KEYS[8], 'status')
if status ~= 'in-review' then
  return { 'status', status or 'missing' }
end
local version = 0
if kind == 'item' then
  local latest = tonumber(redis.call('HGET', KEYS[4], code) or '0')
  if latest ~= base then
    return { 'stale', tostring(latest) }
  end
  version = base + 1
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[6])
  redis.call('HSET', KEYS[4], code, version)
  redis.call('RPUSH', KEYS[5], ARGV[4])
  if ARGV[7] ~= '' then
    redis.call('HSET', KEYS[6], ARGV[7], ARGV[8])
  end
end
local new_year = kind ~= 'item' and redis.call('HEXISTS', KEYS[7], ARGV[11]) == 0
if kind ~= 'item' then
  redis.call('HSET', KEYS[7], ARGV[11], ARGV[12])
end
local revision = redis.call('INCR', KEYS[1])
if new_year then
  redis.call('HSET', KEYS[9], ARGV[11], cjson.encode({state = 'pending', revision = revision,
    publishedAt = ARGV[10], publishedBy = ARGV[9]}))
end
redis.call('HSET', KEYS[8], 'status', 'approved', 'decidedBy', ARGV[9], 'decidedAt', ARGV[10],
  'publishedVersion', version, 'revision', revision)
redis.call('PUBLISH', ARGV[13], revision)
return { 'ok', revision, version }
