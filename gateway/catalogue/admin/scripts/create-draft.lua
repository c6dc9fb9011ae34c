--[[
  Stores a new catalogue draft, and with an Idempotency-Key the key's record, in one atomic step
  (gateway/README.md#drafts-and-four-eyes): a creation retried with the same key after a 503 finds
  the record and stores no second draft. gateway/catalogue/admin/draft-store.ts builds every call.

  Input:
    KEYS[1] the draft's hash
    KEYS[2] every draft id (sorted set, score: created ms)
    KEYS[3] the operator's idempotency record for the key (absent: no key given)
    ARGV[1] draft id
    ARGV[2] created, ms since 1970
    ARGV[3] the record, '<draftId> <requestHash>' ('' without a key)
    ARGV[4] seconds the record is kept
    ARGV[5…] the draft's field/value pairs

  Output:
    {'created'} | {'exists', record} (the key's record, stored by an earlier creation)
]]
if KEYS[3] then
  local existing = redis.call('GET', KEYS[3])
  if existing then
    return { 'exists', existing }
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if KEYS[3] then
  redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4])
end
return { 'created' }
