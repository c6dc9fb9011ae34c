--[[
  Opens the re-rating window of a rectification rectified or explained before the default
  re-rating existed (re-rating-backfill.ts): its end stored as `reRatingDueAt` and queued in the
  province's re-rating windows, in one step in the owner province's slot — only while it is still
  in the status the window was counted for (the portal's re-rating meanwhile closed it: nothing to
  open) and has no window yet (a move since then opened its own, or a backfill run before did), so
  running it twice, or beside a move, opens one window at most.

  Input:
    KEYS[1] rectification hash
    KEYS[2] the province's re-rating windows (sorted set, id → end ms)
    ARGV[1] rectification id
    ARGV[2] the status the window was counted for (RECTIFIED or EXPLAINED)
    ARGV[3] the window's end, ms
    ARGV[4] the window's end, ISO

  Output:
    1 when opened now, 0 otherwise
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'reRatingDueAt')
if state[1] ~= ARGV[2] or state[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'reRatingDueAt', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
