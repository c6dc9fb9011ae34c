--[[
  Counts one request of a client in its current one-second window (gateway/auth/rate-limit.ts):
  the window starts with the client's first request and its key expires with it, so every gateway
  instance counts against the same window. The same counter rate-limiter-flexible kept under the
  same key, so gateways before and after it count together during a rolling upgrade.

  Input:
    KEYS[1] the client's counter, '<p>:rate:<points>:<clientId>'
    ARGV[1] the window's length (seconds)

  Output:
    {requests counted in the window, ms before the window ends}
]]
-- The window's first request makes the counter and gives it the window's expiry; a later one
-- reads what is left. Two commands a request (SET NX EX, INCR and PTTL were three; this script
-- alone in a loop: 9.6 → 7.1 µs of Redis CPU a call).
local counted = redis.call('INCR', KEYS[1])
local ttl
if counted == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = 1000 * tonumber(ARGV[1])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl == -1 then
    -- A counter left without expiry (written by hand, or by a client that died between steps).
    redis.call('EXPIRE', KEYS[1], ARGV[1])
    ttl = 1000 * tonumber(ARGV[1])
  end
end
return {counted, ttl}
