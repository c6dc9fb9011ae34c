--[[
  Ends the supervision of a subject (a case decided or closed, a rectification done or voided):
  its gauges count it no more, the supervisor no longer looks at it. Once: a settled subject stays
  settled, and tracking it again is refused. The board record is found by subject_record
  (subject-record.lua, prepended). A record of its own (a rectification, a case stored before the
  board moved into the case hash) expires after retention. A case's fields in its case hash are cut
  to `settled` alone and never given an expiry: the case's own retention, once it closes, removes
  them with it. A case this version stored that an older gateway tracked too during a rolling
  upgrade has both records, each counted in the gauges: both are counted out here.

  Input:
    KEYS[1] subject hash (a case's only when stored before the board moved into the case hash)
    KEYS[2] case hash, for a case; KEYS[1] again for a rectification
    KEYS[3] due sorted set
    KEYS[4] gauges hash
    KEYS[5] deadlines sorted set
    ARGV[1] due member, '<kind>:<id>'
    ARGV[2] seconds a subject hash of its own is kept, or '0' (for ever)

  Output:
    1 when settled now, 0 when it already was or the case is gone
]]
local record = subject_record(KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
if record.gone or record_get(record, 'settled') == '1' then
  return 0
end
local COUNTED = {'open', 'gauge', 'warning', 'overdue', 'escalated'}

-- Takes what a record counted off the gauges; a case's fields go too (once settled only
-- `settled` is read: the rest would cost bytes for the case's whole retention).
local function count_out(r)
  local state = record_mget(r, COUNTED)
  if state[1] == '1' then
    redis.call('HINCRBY', KEYS[4], state[2] .. 'open', -1)
    for i = 3, 5 do
      if state[i] == '1' then
        redis.call('HINCRBY', KEYS[4], state[2] .. COUNTED[i], -1)
      end
    end
  end
  if r.in_case then
    local named = {}
    for i, field in ipairs(COUNTED) do
      named[i] = r.prefix .. field
    end
    redis.call('HDEL', r.key, unpack(named))
  end
end

count_out(record)
if not record.in_case and KEYS[1] ~= KEYS[2] then
  -- A case with both records (see above): its case hash's fields were counted too.
  count_out({key = KEYS[2], prefix = CASE_BOARD_FIELDS, in_case = true})
end
record_set(record, 'settled', '1')
local ttl = tonumber(ARGV[2])
if not record.in_case and ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
return 1
