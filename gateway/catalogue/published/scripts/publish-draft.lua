-- Publishes an approved draft (gateway/README.md#catalogue-administration) in one step: checks the
-- draft is still in review and, for an item, that no other version was published since the draft's
-- base (the compatibility check ran against it); writes the new immutable version (or the year's
-- calendar), the superseded version's sunset, marks the draft approved, bumps the revision and
-- publishes the revision as a hint to every gateway.
-- KEYS: revision, versions, digests, latest, order, sunsets, calendars, draft
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
else
  redis.call('HSET', KEYS[7], ARGV[11], ARGV[12])
end
local revision = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[8], 'status', 'approved', 'decidedBy', ARGV[9], 'decidedAt', ARGV[10],
  'publishedVersion', version, 'revision', revision)
redis.call('PUBLISH', ARGV[13], revision)
return { 'ok', revision, version }
