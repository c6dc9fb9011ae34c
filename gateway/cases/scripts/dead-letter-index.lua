--[[
  Library chunk, not a script of its own: the case store prepends it to transition-case.lua and
  reindex-dead-letter.lua (gateway/cases/case-scripts.ts). It defines index_dead_letter, the one
  write of the dead-letter index (gateway/cases/dead-letter-index.ts): the shard's dead letters
  per adapter and failure kind, sorted sets scored as the shard's dead-letter list.

  index_dead_letter(first, id, kind, score)
    first  where in KEYS the index keys start: KEYS[first] is the shard's set of index names,
           KEYS[first + 1 .. first + 4] the case's adapter's index of each failure kind, in
           FAILURE_KINDS order (cases/failure-kind.ts)
    id     the case id
    kind   1..4: the index the case joins; 0: it joins none (it left the dead letters)
    score  when its delivery failed (ms), as in the dead-letter list

  The case leaves each of its adapter's four indexes first, whatever its kind: a replay needs no
  kind, and an entry a gateway of the previous version left behind (a rolling upgrade) cannot stay
  under a second kind. The set of names keeps exactly the indexes that hold a letter, so a summary
  reads only those.
]]
local function index_dead_letter(first, id, kind, score)
  for k = 1, 4 do
    local key = KEYS[first + k]
    redis.call('ZREM', key, id)
    if k == kind then
      redis.call('ZADD', key, score, id)
      redis.call('SADD', KEYS[first], key)
    elseif redis.call('EXISTS', key) == 0 then
      redis.call('SREM', KEYS[first], key)
    end
  end
end
