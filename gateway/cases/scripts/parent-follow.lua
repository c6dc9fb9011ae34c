--[[
  Library chunk, not a script of its own: the case store prepends it (after last-move.lua, whose
  functions it calls) to transition-case.lua and follow-parent.lua (gateway/cases/case-scripts.ts). It defines follow_parent, the 'parent-followed'
  row of the lifecycle table (gateway/README.md#joint-cases): a joint parent shows the status every
  child has reached, or a child's blocking status. Running inside the script that moves a child,
  the parent's advance is part of the same atomic step (gateway/README.md#joint-parent-atomicity),
  so no crash, Redis blip or concurrent sibling move can leave it behind.

  The rule is written once, here; its data comes from gateway/cases/joint-parent.ts (built from
  lifecycle.ts) as the JSON `rule`:
    from      statuses the parent may move from (the row's `from`; a closed parent stays closed)
    blocking  statuses that show on the parent as soon as one child has one, in priority order
    rank      progress rank per status (PROGRESS_RANK); a status without a rank counts 0
    byRank    rank -> the main-path status of that rank; fallback when no status has the rank
    actor     the history's actor; note / lateNote: the history note ('%s' = the new status),
              lateNote when the advance completes what an earlier step left undone

  follow_parent(parent_key, history_key, events_key, envelope_key, child_keys, rule, at, late, ttl,
    move)
    parent_key, history_key, events_key, envelope_key  the parent's hash, history list, event
                digests and sealed envelope
    child_keys  the children's hashes (a missing child is left out of the rule)
    at          updatedAt and history time, ISO string
    late        true when no child moved in this step (a repeated event, a repair)
    ttl         seconds the parent's keys are kept once it closes; 0 = for ever
    move        the calling script's move id (last-move.lua): kept in the parent's `lastMove` when
                it moves, so the same call run again answers that the parent moved, as its first
                run did, and the parent's listeners hear of it
  Returns nil when the parent stays, else {previous status, new status, stored history length}.
]]
local function follow_parent(parent_key, history_key, events_key, envelope_key, child_keys, rule,
  at, late, ttl, move)
  local current = redis.call('HGET', parent_key, 'status')
  if not current then return nil end
  local replayed = replayed_move(parent_key, move)
  if replayed then return { replayed, current, redis.call('LLEN', history_key) } end
  local movable = false
  for _, status in ipairs(rule.from) do
    if status == current then movable = true end
  end
  if not movable then return nil end

  local statuses = {}
  for _, key in ipairs(child_keys) do
    local status = redis.call('HGET', key, 'status')
    if status then statuses[#statuses + 1] = status end
  end
  if #statuses == 0 then return nil end

  local target, blocking = nil, false
  for _, candidate in ipairs(rule.blocking) do
    for _, status in ipairs(statuses) do
      if not target and status == candidate then target, blocking = candidate, true end
    end
  end
  if not target then
    local least = nil
    for _, status in ipairs(statuses) do
      local rank = rule.rank[status] or 0
      if not least or rank < least then least = rank end
    end
    target = rule.byRank[tostring(least)] or rule.fallback
  end
  if target == current then return nil end
  if not blocking and (rule.rank[target] or 0) <= (rule.rank[current] or 0) then return nil end

  local moved = last_move(move, current)
  if moved then
    redis.call('HSET', parent_key, 'status', target, 'updatedAt', at, 'lastMove', moved)
  else
    redis.call('HSET', parent_key, 'status', target, 'updatedAt', at)
  end
  local note = string.format(late and rule.lateNote or rule.note, target)
  redis.call('RPUSH', history_key,
    cjson.encode({ at = at, status = target, actor = rule.actor, note = note }))
  if target == 'CLOSED' and ttl > 0 then
    redis.call('EXPIRE', parent_key, ttl)
    redis.call('EXPIRE', history_key, ttl)
    redis.call('EXPIRE', events_key, ttl)
    redis.call('EXPIRE', envelope_key, ttl)
  end
  return { current, target, redis.call('LLEN', history_key) }
end
