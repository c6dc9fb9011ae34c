--[[
  Takes a console unmask token (gateway/console/unmask-once.ts) for the operator and the page it
  was kept for, and for no one else: a GETDEL spent it for whoever opened the URL first, so
  another operator's GET (a shared link, a shoulder) left its owner a masked page. Checked and
  deleted in one step, so two GETs of the same URL cannot both take it.

  KEYS[1]  the token's key (a JSON record {operator, path, reason}, kept 120 s)
  ARGV[1]  the id of the operator asking
  ARGV[2]  the path of the page asking
  Output:  {'taken', reason}   the token was this operator's, for this page; now deleted
           {'operator'}        kept for another operator; left as it is
           {'page'}            kept for this operator but another page; left as it is
           {'none'}            no such token (spent, expired, never made)
]]
local text = redis.call('GET', KEYS[1])
if not text then return {'none'} end
local ok, record = pcall(cjson.decode, text)
if not ok or type(record) ~= 'table' then return {'none'} end
if record.operator ~= ARGV[1] then return {'operator'} end
if record.path ~= ARGV[2] then return {'page'} end
redis.call('DEL', KEYS[1])
return {'taken', record.reason}
