-- Imports the seed catalogue (schemas/ and config/calendars/) into an empty catalogue, atomically:
-- when two gateways start at once on an empty Redis, exactly one imports and both then load it.
-- KEYS: revision, versions, digests, latest, order, calendars
-- ARGV: n, then n × (key, version JSON, digest, code, version number), then (year, text) pairs
-- Returns 1 when it imported, 0 when the catalogue already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local n = tonumber(ARGV[1])
local i = 2
for _ = 1, n do
  local key, json, digest, code, version = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
  redis.call('HSET', KEYS[2], key, json)
  redis.call('HSET', KEYS[3], key, digest)
  local latest = tonumber(redis.call('HGET', KEYS[4], code) or '0')
  if version > latest then
    redis.call('HSET', KEYS[4], code, version)
  end
  redis.call('RPUSH', KEYS[5], key)
  i = i + 5
end
while i <= #ARGV do
  redis.call('HSET', KEYS[6], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('SET', KEYS[1], 1)
return 1
