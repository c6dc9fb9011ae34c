--[[
  Appends entries to the audit chain (gateway/README.md#audit-chain) if the chain's head is still
  the one the caller hashed them against. Redis scripts have no SM3, so the gateway computes the
  entries' hashes from the head it read and this script is the compare-and-set: another process
  that appended in between makes it answer the new head, and the caller hashes again from there.
  The check, the entries and the new head are one atomic step, so sequence numbers have no gaps
  and no two entries chain from the same predecessor, however many gateways append.

  An interrupted action's entry (audit/action-intents.ts) claims its intent in the same step: the
  intent is removed only with its entry appended, and the entry appended only if the intent was
  still there — so several gateways record it once, and none loses it by dying (or being refused)
  between the two.

  Input:
    KEYS[1] head hash (fields seq, hash)
    KEYS[2] entries hash (seq → entry JSON)
    KEYS[3] the action intents hash (audit/action-intents.ts)
    ARGV[1] the seq of the head the entries were chained from ('0': the chain was empty)
    ARGV[2] the last new entry's hash
    ARGV[3] the intent the entries record ('' for none): it must exist, and is removed
    ARGV[4…] the new entries as JSON, in order (the first one's seq is ARGV[1] + 1)
  Output:
    {1, seq, hash} stored, seq the last one's; {0, seq, hash} the head had moved on to seq (hash ''
    if none); {2, seq, hash} nothing stored, the intent was claimed by another; an error if an entry
    already sits past the head (a lost head key): entries are never replaced
]]
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
local seq = tonumber(head[1] or '0')
local intent = ARGV[3]
if intent ~= '' and redis.call('HEXISTS', KEYS[3], intent) == 0 then
  return { 2, seq, head[2] or '' }
end
if seq ~= tonumber(ARGV[1]) then
  return { 0, seq, head[2] or '' }
end
local count = #ARGV - 3
for i = 1, count do
  if redis.call('HEXISTS', KEYS[2], seq + i) == 1 then
    return redis.error_reply('AUDIT_HEAD_LOST entry ' .. (seq + i) .. ' exists past the chain head')
  end
end
for i = 1, count do
  redis.call('HSET', KEYS[2], seq + i, ARGV[i + 3])
end
redis.call('HSET', KEYS[1], 'seq', seq + count, 'hash', ARGV[2])
-- Last: a step refused above (an error) leaves the intent for the next look.
if intent ~= '' then
  redis.call('HDEL', KEYS[3], intent)
end
return { 1, seq + count, ARGV[2] }
