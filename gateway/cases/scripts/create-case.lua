--[[
  Creates a case (and, for joint cases, its children) together with its idempotency record, in one
  atomic step, unless the idempotency key is already taken (gateway/README.md#outbox-rule). A joint
  parent also joins the set of open joint parents the reconciler checks
  (gateway/README.md#joint-parent-atomicity).

  Input:
    KEYS[1] idempotency key            (string: JSON {caseId, requestHash, response})
    KEYS[2] outbox sorted set          (case id -> createdAt ms; cases stored but not yet queued)
    KEYS[3] open joint parents         (sorted set: parent id -> last checked ms)
    KEYS[4..] case hash, history list  (pairs: parent first, then each child)
    ARGV[1] idempotency record JSON
    ARGV[2] idempotency TTL, seconds
    ARGV[3] createdAt, ms
    ARGV[4] parent case id (goes to the outbox; to the joint parents when it has children)
    ARGV[5..] per case, in the order of the keys: case fields JSON, first history entry JSON,
              the sealed envelope (bytes: gateway/personal-data/sealed-data.ts)

  Output:
    {'created'} or {'exists', <stored idempotency record JSON>}
]]
local existing = redis.call('GET', KEYS[1])
if existing then
  return {'exists', existing}
end
local pairs_count = (#KEYS - 3) / 2
for i = 0, pairs_count - 1 do
  local caseKey = KEYS[4 + i * 2]
  local historyKey = KEYS[5 + i * 2]
  if redis.call('EXISTS', caseKey) == 1 then
    return redis.error_reply('case already exists: ' .. caseKey)
  end
  local fields = cjson.decode(ARGV[5 + i * 3])
  -- Binary, so not inside the JSON: Lua strings carry any bytes.
  local flat = {'envelope', ARGV[7 + i * 3]}
  for k, v in pairs(fields) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  redis.call('HSET', caseKey, unpack(flat))
  redis.call('RPUSH', historyKey, ARGV[6 + i * 3])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if pairs_count > 1 then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {'created'}
