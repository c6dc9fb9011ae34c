-- Changes a draft only while it is in the expected status (and, when given, belongs to the expected
-- author and still holds one of the expected values in one field), so an edit racing a submit, a
-- second approval, or two saves made on the same text, cannot both win.
-- gateway/catalogue/admin/draft-store.ts builds every call.
-- KEYS: draft
-- ARGV: expected status, expected author ('' any), checked field ('' none), the number n of its
--       expected values (any one will do; 0 with a field: none will), the n values,
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
local expected = tonumber(ARGV[4])
if ARGV[3] ~= '' then
  local value = redis.call('HGET', KEYS[1], ARGV[3]) or ''
  local found = false
  for i = 5, 4 + expected do
    if ARGV[i] == value then
      found = true
    end
  end
  if not found then
    return { 'check', value }
  end
end
if #ARGV > 4 + expected then
  redis.call('HSET', KEYS[1], unpack(ARGV, 5 + expected))
end
return { 'ok' }
