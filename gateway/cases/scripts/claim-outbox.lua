--[[
  Claims a batch of one shard's outbox for a relay (gateway/README.md#outbox-relay): entries whose
  score is at most the cutoff — new ones (score: createdAt) or ones whose earlier claim ran out (a
  relay that died) — get the claim's end as their score, so another relay passes them by until
  then, and come back with what the relay needs to queue them. An entry leaves the outbox only
  when the relay says its job exists: by a ZREM of its own or, from a running relay, named here
  among the entries to remove (ARGV[5..]: a batch that finished since the shard's last claim, so
  its removal costs no round trip of its own; gateway/README.md#outbox-relay).

  The claimed cases' hashes cannot be declared (their ids are known only once claimed), so they
  are read here as a hint, in this shard (same hash tag, same slot), built from the prefix given:
  a hash found is the case (a key lives on one node at a time), but a hash not found proves
  nothing on a Redis Cluster while the slot is migrating — it may sit on the other node, and Redis
  either refuses the read ("non local key", caught by pcall) or answers it as missing, with no
  redirect. Such a case, or a child route not found, comes back '' and the caller reads it again
  with ordinary commands, which follow the cluster's redirects, before it drops anything
  (gateway/README.md#redis-cluster, case-store.ts claimOutbox).

  Input:
    KEYS[1] the shard's outbox (sorted set: case id -> createdAt ms or claim end ms)
    ARGV[1] cutoff, ms: entries scored at most this are claimed
    ARGV[2] the claim's end, ms
    ARGV[3] at most this many
    ARGV[4] the shard's case key prefix, '<p>:{s<n>}:case:'
    ARGV[5..] entries to remove first: their jobs exist and their batch is finished (none: a claim
              only)

  Output: per claimed id, eight values: id, route JSON ('' for a joint parent), children JSON
  ('' unless a joint parent), the children's routes (a JSON array of route JSON strings, '' for a
  route not found, or ''), clientId, callbackUrl (or ''), relatedCaseId (or ''), createdAt. A case
  whose hash was not found (gone, or elsewhere mid-migration) comes back with every value after
  its id ''.
]]
-- A read of an undeclared key: its value, or nil when not found here or refused.
local function hint(...)
  local reply = redis.pcall(...)
  if type(reply) == 'table' and reply.err then return nil end
  return reply
end

-- In slices: unpack() of a long list would overflow Lua's stack.
for i = 5, #ARGV, 500 do
  redis.call('ZREM', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end

local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
  local f = hint('HMGET', ARGV[4] .. id, 'status', 'route', 'children', 'clientId',
    'callbackUrl', 'relatedCaseId', 'createdAt')
  out[#out + 1] = id
  if not f or not f[1] then
    for _ = 1, 7 do out[#out + 1] = '' end
  else
    local routes = ''
    if f[3] then
      local list = {}
      for _, child in ipairs(cjson.decode(f[3])) do
        list[#list + 1] = hint('HGET', ARGV[4] .. child, 'route') or ''
      end
      routes = cjson.encode(list)
    end
    out[#out + 1] = f[2] or ''
    out[#out + 1] = f[3] or ''
    out[#out + 1] = routes
    out[#out + 1] = f[4] or ''
    out[#out + 1] = f[5] or ''
    out[#out + 1] = f[6] or ''
    out[#out + 1] = f[7] or ''
  end
end
return out
