--[[
  Tracks one supervised subject on the 督办 board (gateway/supervision/supervision-board.ts): counts
  it open once (its gauge), then asks the supervisor to look at it at the given time — unless it
  is settled (its supervision ended) or every flag is already raised (nothing left to look for).
  Used when a subject starts being supervised, when its due time moves, and by the supervisor to
  say when to look next. Its due time is kept while it is supervised. The work is track_subject
  (subject-record.lua and track-subject.lua, prepended).

  Input:
    KEYS[1] subject hash (a case's only when stored before the board moved into the case hash)
    KEYS[2] case hash, for a case; KEYS[1] again for a rectification
    KEYS[3] due sorted set
    KEYS[4] gauges hash
    KEYS[5] deadlines sorted set
    ARGV[1] due member, '<kind>:<id>'
    ARGV[2] gauge field prefix, '<kind>|<province>|<item>|'
    ARGV[3] when to look (ms)
    ARGV[4] the subject's due time (ms): /readyz checks the furthest has a calendar

  Output:
    1 when scheduled, 0 when settled, gone or nothing is left to raise
]]
return track_subject(KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
