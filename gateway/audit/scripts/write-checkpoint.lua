--[[
  Replaces the audit chain's checkpoint (gateway/audit/audit-checkpoint.ts) if it is still the one
  the caller read: a compare-and-set on its MAC, so two gateways advancing it at once never put an
  older one back over a newer (a process that loses reads again, or leaves it to the next visit).
  The script cannot check the MAC (it has no key); the gateway checks it on every read.

  Input:
    KEYS[1] checkpoint hash
    ARGV[1] the MAC of the checkpoint the caller read ('' when there was none)
    ARGV[2…] the new checkpoint's fields and values, alternating
  Output:
    1 written; 0 another checkpoint was written since the caller read
]]
local current = redis.call('HGET', KEYS[1], 'mac') or ''
if current ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
