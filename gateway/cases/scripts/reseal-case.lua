--[[
  Replaces a case's sealed records with the same values sealed under the current data key
  (gateway/README.md#key-rotation), as a compare-and-set: every record is written only if
  its stored bytes are still the ones the re-seal read and opened. A move, a result or a re-seal by
  another operator between the read and this step changes them, and then nothing is written (the
  caller reads again): a concurrent write is never overwritten with an older value. An empty
  expected value leaves that record alone. The envelope keeps its TTL (KEEPTTL); hash fields keep
  the hash's.

  Input:
    KEYS[1] case hash
    KEYS[2] the case's sealed envelope (bytes; a joint child has none of its own)
    ARGV[1] envelope as read, or ''          ARGV[2] envelope re-sealed
    ARGV[3] hash field `envelope` as read (a case stored before the envelope had its own key), or ''
    ARGV[4] that field re-sealed
    ARGV[5] hash field `sealedResult` as read, or ''   ARGV[6] it re-sealed (base64)
    ARGV[7] hash field `result` as read (a result stored in clear), or ''
    ARGV[8] that result sealed (base64): written to `sealedResult`, `result` set to JSON null
    ARGV[9] hash field `sealedFailureReason` as read, or ''   ARGV[10] it re-sealed (base64)
    ARGV[11] hash field `failureReason` as read (a reason stored in clear), or ''
    ARGV[12] that reason sealed (base64): written to `sealedFailureReason`, `failureReason` deleted

  Output:
    'ok' when everything asked was written, else 'changed:<record>' and nothing written
]]
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 'changed:envelope'
end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'envelope') ~= ARGV[3] then
  return 'changed:envelope'
end
if ARGV[5] ~= '' and redis.call('HGET', KEYS[1], 'sealedResult') ~= ARGV[5] then
  return 'changed:result'
end
if ARGV[7] ~= '' then
  -- Still in clear, and no sealed result written beside it since (a move writes one, nulls this).
  if redis.call('HGET', KEYS[1], 'result') ~= ARGV[7]
    or redis.call('HEXISTS', KEYS[1], 'sealedResult') == 1 then
    return 'changed:result'
  end
end
if ARGV[9] ~= '' and redis.call('HGET', KEYS[1], 'sealedFailureReason') ~= ARGV[9] then
  return 'changed:failure-reason'
end
if ARGV[11] ~= '' then
  -- Still in clear, and no sealed reason written beside it since (a failure writes one).
  if redis.call('HGET', KEYS[1], 'failureReason') ~= ARGV[11]
    or redis.call('HEXISTS', KEYS[1], 'sealedFailureReason') == 1 then
    return 'changed:failure-reason'
  end
end
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'envelope', ARGV[4])
end
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'sealedResult', ARGV[6])
end
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[1], 'sealedResult', ARGV[8], 'result', 'null')
end
if ARGV[9] ~= '' then
  redis.call('HSET', KEYS[1], 'sealedFailureReason', ARGV[10])
end
if ARGV[11] ~= '' then
  redis.call('HSET', KEYS[1], 'sealedFailureReason', ARGV[12])
  redis.call('HDEL', KEYS[1], 'failureReason')
end
return 'ok'
