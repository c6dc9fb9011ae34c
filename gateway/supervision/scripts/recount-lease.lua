--[[
  The lease of the one gateway that runs a year's calendar recount (calendar-recount.ts): claimed
  when free, renewed or released only by the token that holds it, so a gateway whose lease ran
  out (it stalled) cannot cut short another's. A holder that dies leaves it to expire: the next
  gateway to look claims it and runs the recount again (idempotent per subject).

  Input:
    KEYS[1] the lease (string: the holder's token)
    ARGV[1] 'claim', 'renew' or 'release'
    ARGV[2] the holder's token
    ARGV[3] lease length (ms), for claim and renew

  Output:
    1 when done (claimed, renewed, released), 0 when another holds it (or, to renew, none does)
]]
local mode, token = ARGV[1], ARGV[2]
if mode == 'claim' then
  if redis.call('SET', KEYS[1], token, 'NX', 'PX', ARGV[3]) then return 1 end
  return 0
end
if redis.call('GET', KEYS[1]) ~= token then
  return 0
end
if mode == 'renew' then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
