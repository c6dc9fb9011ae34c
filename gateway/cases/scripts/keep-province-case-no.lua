--[[
  Keeps the province's case number of a delivery the worker could not record as a status move,
  because a province event had already moved the case past ROUTED: set only if the case still
  exists and has none yet (a number the province reported itself wins).

  Input:
    KEYS[1] case hash
    ARGV[1] province case number

  Output:
    1 when stored, 0 otherwise
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
return redis.call('HSETNX', KEYS[1], 'provinceCaseNo', ARGV[1])
