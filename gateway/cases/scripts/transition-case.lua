--[[
  Applies one row of the lifecycle table (gateway/cases/lifecycle.ts) to one case: moves it to a
  new status if, and only if, its current status is one of the allowed ones, and in the same
  atomic step appends the history entries, sets extra fields, records the event digest, keeps the
  dead-letter list and the province-silence set in step and starts the retention clock of a closed case. So
  concurrent writers (the submit path, the reconciler, adapter workers, province events,
  operators) can never regress a status or leave a list behind the status. The dead-letter index
  (gateway/cases/dead-letter-index.ts: the letters per adapter and failure kind) changes in the
  same step as the list.

  For a joint child it then lets the parent follow its children (follow_parent, from the
  parent-follow.lua chunk prepended to this script) in the same step — also when the move itself
  was refused as a duplicate or illegal, so a province repeating an event completes what the first
  delivery of it left undone (gateway/README.md#joint-parent-atomicity).

  Input:
    KEYS[1] case hash
    KEYS[2] history list
    KEYS[3] set of applied event digests (events are idempotent by content)
    KEYS[4] sealed envelope (a string; none on a joint child): expires with the record
    KEYS[5] the shard's dead-letter sorted set
    KEYS[6] the shard's move outbox (sorted set): the applied move, and the parent's when it
              follows, enter it here until the store has told their listeners
    KEYS[7] when ARGV[11] is not '': the shard's province-silence sorted set of the adapter
    KEYS[i..i+4] when ARGV[19] is not '' (i = the next key, 7 or 8): the shard's set of dead-letter
              index names, then the adapter's dead-letter index of each failure kind, in
              FAILURE_KINDS order (cases/failure-kind.ts)
    KEYS[next..] joint child only: the parent's hash, history list, event digests and sealed
              envelope, then every child's hash (the family shares one hash tag, so one slot)
    KEYS[last] when ARGV[18] is not '': the shard's key of the case's province case number, which
              an applied move sets to the case id (and expires with a closed case)
    ARGV[1] allowed current statuses, comma-separated
    ARGV[2] new status
    ARGV[3] history entries, JSON array of JSON strings (pushed as they are)
    ARGV[4] extra fields, JSON object (string values)
    ARGV[5] case id
    ARGV[6] updatedAt, ISO string
    ARGV[7] this event's digest, or '' (not an event)
    ARGV[8] dead-letter change: 'add', 'remove' or ''
    ARGV[9] now, ms: the dead-letter score for 'add', the silence score for 'watch'
    ARGV[10] seconds until record, history, digests and envelope expire (a closed case), or '0'
    ARGV[11] province-silence change (a case with a route): 'watch' (the province owes us news
             from now on: score now) or 'forget'; '' for a joint parent
    ARGV[12] joint child only: the parent rule, JSON (see parent-follow.lua); '' otherwise
    ARGV[13] joint child only: seconds a closed parent's keys are kept, or '0'
    ARGV[14] this move's id (random, one per call; last-move.lua): kept with the status it moved
             from in the case's `lastMove` field (and in the parent's, when the parent follows),
             so the same call run again answers as it did the first time and changes nothing —
             Redis applied it, its answer was lost with the connection and the worker's
             connection sent it again (README.md#redis-durability). Without it the second run
             found its own new status, was refused 'illegal' (or 'duplicate'), and the move's
             listeners (a portal's callback, the 督办) never heard of the move it made
    ARGV[15] the move's name (lifecycle row), for its move outbox entry
    ARGV[16] joint child only: the parent's id, for the parent's move outbox entry; '' otherwise
    ARGV[17] now, ms (the system clock, not the store's): the move outbox entries' score
    ARGV[18] '1' when the last key is the province case number's (the number is known), else ''
    ARGV[19] with a dead-letter change of a routed case: the failure kind's place among the index
             keys for 'add' ('1'..'4'), '0' for 'remove'; '' when there are no index keys

  Output: {verdict, status, stored history length[, parent's previous status, parent's status,
  parent's stored history length]} (the list's length: the submission's entries are derived, not
  stored) where verdict, status is
    'ok', <previous status>
    | 'illegal', <current status> | 'missing', ''
    | 'duplicate', <current status> when the digest was applied before
  The parent's three values are there only when the parent moved.

  Each applied move (and the parent's, when it follows) enters the move outbox as
  `<case id>|<stored history length>|<move>|<previous status>|<updatedAt>` (move_entry): a process
  that dies between this step and the listeners leaves it there, and the reconciler tells them
  (gateway/README.md#outbox-rule). A replay writes the same entry again: the same call, the same
  arguments.
]]
local function move_entry(id, stored, move, previous, at)
  return id .. '|' .. stored .. '|' .. move .. '|' .. previous .. '|' .. at
end

-- Where the dead-letter index keys start (after the silence key, when there is one).
local INDEX_AT = ARGV[11] == '' and 7 or 8

local function move_case()
  local current = redis.call('HGET', KEYS[1], 'status')
  if not current then
    return {'missing', '', 0}
  end
  local replayed = replayed_move(KEYS[1], ARGV[14])
  if replayed then
    return {'ok', replayed, redis.call('LLEN', KEYS[2])}
  end
  if ARGV[7] ~= '' and redis.call('SISMEMBER', KEYS[3], ARGV[7]) == 1 then
    return {'duplicate', current, 0}
  end
  local allowed = false
  for status in string.gmatch(ARGV[1], '[^,]+') do
    if status == current then allowed = true end
  end
  if not allowed then
    return {'illegal', current, 0}
  end
  local fields = cjson.decode(ARGV[4])
  local flat = {'status', ARGV[2], 'updatedAt', ARGV[6]}
  local moved = last_move(ARGV[14], current)
  if moved then
    flat[#flat + 1] = 'lastMove'
    flat[#flat + 1] = moved
  end
  for k, v in pairs(fields) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  redis.call('HSET', KEYS[1], unpack(flat))
  for _, entry in ipairs(cjson.decode(ARGV[3])) do
    redis.call('RPUSH', KEYS[2], entry)
  end
  if ARGV[7] ~= '' then
    redis.call('SADD', KEYS[3], ARGV[7])
  end
  if ARGV[8] == 'add' then
    redis.call('ZADD', KEYS[5], ARGV[9], ARGV[5])
  elseif ARGV[8] == 'remove' then
    redis.call('ZREM', KEYS[5], ARGV[5])
  end
  if ARGV[19] ~= '' then
    index_dead_letter(INDEX_AT, ARGV[5], tonumber(ARGV[19]), ARGV[9])
  end
  if ARGV[11] == 'watch' then
    redis.call('ZADD', KEYS[7], ARGV[9], ARGV[5])
  elseif ARGV[11] == 'forget' then
    redis.call('ZREM', KEYS[7], ARGV[5])
  end
  local ttl = tonumber(ARGV[10])
  if ARGV[18] == '1' then
    redis.call('SET', KEYS[#KEYS], ARGV[5])
  end
  if ttl > 0 then
    redis.call('EXPIRE', KEYS[1], ttl)
    redis.call('EXPIRE', KEYS[2], ttl)
    redis.call('EXPIRE', KEYS[3], ttl)
    redis.call('EXPIRE', KEYS[4], ttl)
    if ARGV[18] == '1' then redis.call('EXPIRE', KEYS[#KEYS], ttl) end
  end
  return {'ok', current, redis.call('LLEN', KEYS[2])}
end

local result = move_case()
if result[1] == 'ok' then
  redis.call('ZADD', KEYS[6], ARGV[17], move_entry(ARGV[5], result[3], ARGV[15], result[2], ARGV[6]))
end
local family = INDEX_AT + (ARGV[19] ~= '' and 5 or 0)
if result[1] ~= 'missing' and ARGV[12] and ARGV[12] ~= '' then
  local children = {}
  local last = ARGV[18] == '1' and #KEYS - 1 or #KEYS
  for i = family + 4, last do children[#children + 1] = KEYS[i] end
  local followed = follow_parent(KEYS[family], KEYS[family + 1], KEYS[family + 2],
    KEYS[family + 3], children, cjson.decode(ARGV[12]), ARGV[6], result[1] ~= 'ok',
    tonumber(ARGV[13]), ARGV[14])
  if followed then
    result[4], result[5], result[6] = followed[1], followed[2], followed[3]
    redis.call('ZADD', KEYS[6], ARGV[17],
      move_entry(ARGV[16], followed[3], 'parent-followed', followed[1], ARGV[6]))
  end
end
return result
