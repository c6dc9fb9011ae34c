--[[
  Replaces one hash field holding sealed text (an evaluation's `comment`, a rectification's
  `reRating` JSON with its sealed comment) with the same text sealed under the current data key,
  as a compare-and-set: written only if the field still holds what the re-seal read
  (gateway/README.md#key-rotation), so a write in between is never overwritten.

  Input:
    KEYS[1] the hash
    ARGV[1] field, ARGV[2] its value as read, ARGV[3] its value re-sealed

  Output:
    'ok' when written, 'changed' when the field no longer holds ARGV[2] (nothing written)
]]
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return 'changed'
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 'ok'
