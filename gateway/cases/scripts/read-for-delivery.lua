--[[
  What a delivery reads, in one command: the case hash and its family's sealed envelope (a joint
  child's is its parent's, in the same hash tag). Two commands sent together cost a second socket
  write and a second command on Redis for every delivery; read-only, so nothing else changes.

  Input:
    KEYS[1] case hash
    KEYS[2] the family's sealed envelope (bytes)

  Output:
    {envelope or nil, field, value, field, value, ...}: the envelope, then HGETALL of KEYS[1]
]]
local hash = redis.call('HGETALL', KEYS[1])
table.insert(hash, 1, redis.call('GET', KEYS[2]))
return hash
