-- Changes a draft only while it is in the expected status (and, when given, belongs to the expected
-- author and still holds the expected value in one field), so an edit racing a submit, or a second
-- approval, cannot both win. gateway/catalogue/admin/draft-store.ts builds every call.
-- KEYS: draft
-- ARGV: expected status, expected author ('' any), checked field ('' none), its expected value,
--       then field/value pairs to set
-- Returns {'ok'}, {'missing'}, {'status', current}, {'author', author} or {'check', value}.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return { 'missing' }
end
if current ~= ARGV[1] then
  return { 'status', current }
end
if ARGV[2] ~= '' then
  local author = redis.call('HGET', KEYS[1], 'author')
  if author ~= ARGV[2] then
    return { 'author', author or '' }
  end
end
if ARGV[3] ~= '' then
  local value = redis.call('HGET', KEYS[1], ARGV[3]) or ''
  if value ~= ARGV[4] then
    return { 'check', value }
  end
end
if #ARGV > 4 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
end
return { 'ok' }
