--[[
  Claims the cases of one adapter whose province has been silent since a cutoff, for a status query
  (gateway/README.md#silence-reconciliation). A claimed case's score moves to now, so no other
  worker process claims it again until it has been silent for another whole period: several
  workers never query one case twice, and a query that fails is retried one period later.

  The same claim serves the reconciler on a province's rectification outbox
  (rectifications/rectification-store.ts claimUntold): entries written by the cutoff, or whose
  earlier claim ran out, re-scored to the claim's end (ARGV[2]) while they are told again.

  Input:
    KEYS[1] the adapter's province-silence sorted set (case id -> last heard of or queried, ms)
    ARGV[1] cutoff, ms: cases with a score at or below it are silent
    ARGV[2] now, ms: the claimed cases' new score
    ARGV[3] at most this many cases

  Output: the claimed case ids, longest silent first.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
end
return ids
