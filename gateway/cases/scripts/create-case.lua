--[[
  The one write of a submission (gateway/README.md#outbox-rule): the case (and, for a joint case,
  its children), its sealed envelope, its 督办 schedule, the outbox entry the relay turns into a
  job, the idempotency record and, for a joint parent, its place in the set of open joint parents
  the reconciler checks — all in one atomic step, unless the idempotency key is already taken.
  Every key is in the submission's shard (hash tag `{s<n>}`): one slot. The case is stored ROUTED:
  from here the outbox guarantees its job. Its history list is not written: the submission's
  entries (SUBMITTED, ACCEPTED, ROUTED) are derived from the record when read
  (gateway/cases/submission-history.ts), so the list holds only later moves. A nudge on the outbox
  channel wakes the relays.
  track_new_case comes from supervision/scripts/track-subject.lua, prepended (with
  subject-record.lua): a case's 督办 board record is written into its case hash (`sv.` fields),
  with the case's own fields in one HSET.

  Input:
    KEYS[1] idempotency key            (string: '<caseId> <requestHash>', compact name)
    KEYS[2] the shard's outbox          (sorted set: case id -> when stored, ms)
    KEYS[3] the shard's open joint parents (sorted set: parent id -> last checked ms)
    KEYS[4] the shard's 督办 due set, KEYS[5] its gauges, KEYS[6] its deadlines
    KEYS[7] the parent's sealed envelope (string; a joint child reads its parent's)
    KEYS[8..] per case, parent first: case hash (its 督办 board record goes there: only a case
              stored before the board moved into the case hash has a subject hash of its own)
    KEYS[last] the idempotency key's legacy name (looked up: a record stored before the compact
            name; written too with GW_IDEMPOTENCY_LEGACY_WRITE; gateway/README.md#idempotency)
    ARGV[1] idempotency record
    ARGV[2] idempotency TTL, seconds
    ARGV[3] now, ms (the outbox score; the joint parents' first check)
    ARGV[4] parent case id (goes to the outbox; to the joint parents when it has children)
    ARGV[5] outbox nudge channel
    ARGV[6] the shard number (the nudge's message)
    ARGV[7] the sealed envelope (bytes: gateway/personal-data/sealed-data.ts)
    ARGV[8..] per case, in the order of the keys, two values: case fields JSON; the 督办 schedule,
              a JSON array of track_new_case's last four arguments, or '' (not supervised: a joint
              parent)
    ARGV[last] the record in its legacy shape, '<caseId> <64-hex requestHash>', to write under the
              legacy name too, or '' (GW_IDEMPOTENCY_LEGACY_WRITE off)

  Output:
    {'created'} or {'exists', <stored idempotency record>}
]]
local existing = redis.call('GET', KEYS[1]) or redis.call('GET', KEYS[#KEYS])
if existing then
  return {'exists', existing}
end
local cases = #KEYS - 8
for i = 0, cases - 1 do
  local case_key = KEYS[8 + i]
  local a = 8 + i * 2
  if redis.call('EXISTS', case_key) == 1 then
    return redis.error_reply('case already exists: ' .. case_key)
  end
  local flat = {}
  for k, v in pairs(cjson.decode(ARGV[a])) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  if ARGV[a + 1] ~= '' then
    local t = cjson.decode(ARGV[a + 1])
    track_new_case(flat, KEYS[4], KEYS[5], KEYS[6], t[1], t[2], t[3], t[4])
  end
  redis.call('HSET', case_key, unpack(flat))
end
-- Binary, so not inside the JSON: Lua strings carry any bytes.
redis.call('SET', KEYS[7], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
if cases > 1 then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[#ARGV] ~= '' then
  redis.call('SET', KEYS[#KEYS], ARGV[#ARGV], 'EX', ARGV[2])
end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return {'created'}
