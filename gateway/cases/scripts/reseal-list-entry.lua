--[[
  Replaces one entry of a history list (a case's or a rectification's) holding a sealed note with
  the same entry, its note sealed under the current data key, as a compare-and-set: written only if
  the entry at that index is still what the re-seal read (gateway/README.md#key-rotation). History
  lists only grow, so an index names one entry for good; a list gone meanwhile is 'changed'.

  Input:
    KEYS[1] the history list
    ARGV[1] index, ARGV[2] the entry as read, ARGV[3] the entry re-sealed

  Output:
    'ok' when written, 'changed' when the entry no longer is ARGV[2] (nothing written)
]]
if redis.call('LINDEX', KEYS[1], tonumber(ARGV[1])) ~= ARGV[2] then
  return 'changed'
end
redis.call('LSET', KEYS[1], tonumber(ARGV[1]), ARGV[3])
return 'ok'
