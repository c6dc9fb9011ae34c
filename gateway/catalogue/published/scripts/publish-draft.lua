-- Publishes an approved draft (gateway/README.md#catalogue-administration) in one step: checks the
-- draft is still in review and, for an item, that no other version was published since the draft's
-- base (the compatibility check ran against it); writes the new immutable version (or the year's
-- calendar), the superseded version's sunset, marks the draft approved, bumps the revision and
-- publishes the revision as a hint to every gateway. A calendar year is marked for its recount in
-- the same step (gateway/supervision/calendar-recount.ts), so a publish is never left without it:
-- a year the catalogue had none for (reason 'published': due times counted with it assumed Monday
-- to Friday), or a year published again (reason 'corrected': due times counted on the version it
-- replaces, kept as `previous`, since the catalogue keeps only a year's current text). A year
-- still pending keeps what its run needs: its reason when first published (records marked
-- assumed are still to count), and the oldest version its records were counted on.
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
local replaced = false
if kind ~= 'item' then
  replaced = redis.call('HGET', KEYS[7], ARGV[11])
  redis.call('HSET', KEYS[7], ARGV[11], ARGV[12])
end
local revision = redis.call('INCR', KEYS[1])
if kind ~= 'item' then
  local recount = {state = 'pending', revision = revision, publishedAt = ARGV[10],
    publishedBy = ARGV[9], reason = 'published'}
  local pending = redis.call('HGET', KEYS[9], ARGV[11])
  pending = pending and cjson.decode(pending)
  if pending and pending.state ~= 'pending' then
    pending = nil
  end
  if pending and pending.reason == 'published' then
    recount.previous = pending.previous or replaced or nil
  elseif replaced then
    recount.reason = 'corrected'
    recount.previous = (pending and pending.previous) or replaced
  end
  redis.call('HSET', KEYS[9], ARGV[11], cjson.encode(recount))
end
redis.call('HSET', KEYS[8], 'status', 'approved', 'decidedBy', ARGV[9], 'decidedAt', ARGV[10],
  'publishedVersion', version, 'revision', revision)
redis.call('PUBLISH', ARGV[13], revision)
return { 'ok', revision, version }
