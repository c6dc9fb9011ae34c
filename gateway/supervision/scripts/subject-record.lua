--[[
  Library chunk (no KEYS/ARGV of its own): where a subject's 督办 board record is. Prepended to
  track-subject.lua (and so to track.lua and cases/scripts/create-case.lua), raise.lua,
  settle.lua and read-record.lua (the board's reads).

  A rectification's record is a hash of its own under `{supervise}`. A case's is its case hash, in
  fields named CASE_BOARD_FIELDS .. <field> (`sv.open`, `sv.gauge`, `sv.warning`, …): one key less
  per stored case (gateway/README.md#lean-records). A case stored before that keeps its own subject
  hash `…:supervise:subject:case:<id>`, in the case's slot: it is used while it exists, so its
  supervision goes on as it started.

  subject_record(subject_key, case_key) answers the record as {key, prefix, in_case, gone}. A
  rectification passes its subject hash as both keys. `gone`: the board record would be in a case
  hash that is no longer there (retention removed the case); nothing must be written then, or a
  stub hash without expiry would outlive the case.
]]
-- shared/redis-keys.ts CASE_BOARD_FIELDS: the same prefix.
local CASE_BOARD_FIELDS = 'sv.'

local function subject_record(subject_key, case_key)
  if subject_key == case_key or redis.call('EXISTS', subject_key) == 1 then
    return {key = subject_key, prefix = '', in_case = false, gone = false}
  end
  local gone = redis.call('HEXISTS', case_key, 'status') == 0
  return {key = case_key, prefix = CASE_BOARD_FIELDS, in_case = true, gone = gone}
end

-- The record's fields by their names (`open`, `gauge`, `warning`…), wherever it is.
local function record_get(record, field)
  return redis.call('HGET', record.key, record.prefix .. field)
end

local function record_mget(record, fields)
  local named = {}
  for i, field in ipairs(fields) do
    named[i] = record.prefix .. field
  end
  return redis.call('HMGET', record.key, unpack(named))
end

local function record_set(record, field, value)
  redis.call('HSET', record.key, record.prefix .. field, value)
end

local function record_setnx(record, field, value)
  return redis.call('HSETNX', record.key, record.prefix .. field, value)
end
