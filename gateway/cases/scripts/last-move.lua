--[[
  Library chunk, not a script of its own: the case store prepends it to transition-case.lua and
  follow-parent.lua (gateway/cases/case-scripts.ts), the two scripts that move a case. A worker's
  connection sends a command again on its next connection when Redis applied it and the answer
  was lost (README.md#redis-durability); a move run again would find its own new status, refuse
  itself or answer that nothing moved, and the move's listeners (the portal's callback, the 督办)
  would never hear of it. So every move carries an id of its own (random, one per call) and
  keeps it with the status it moved from in the moved case's `lastMove` field
  (`<id>|<previous status>`); the same call run again reads it there and answers as the first
  run did, writing nothing.

  replayed_move(case_key, move)
    case_key  the moved case's hash
    move      this call's move id, or '' (a caller that sends none: never a replay)
    Returns the status the first run moved the case from when this call already moved it, else nil.

  last_move(move, previous)
    The `lastMove` field's value for a move from `previous`, or nil when the move has no id.
]]
local function replayed_move(case_key, move)
  if move == nil or move == '' then return nil end
  local last = redis.call('HGET', case_key, 'lastMove')
  if last and string.sub(last, 1, #move + 1) == move .. '|' then
    return string.sub(last, #move + 2)
  end
  return nil
end

local function last_move(move, previous)
  if move == nil or move == '' then return nil end
  return move .. '|' .. previous
end
