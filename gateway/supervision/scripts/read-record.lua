--[[
  Reads fields of a subject's 督办 board record, wherever subject_record (subject-record.lua,
  prepended) finds it: the subject's own hash while it exists, else a case's `sv.` fields. The
  one home of that choice for readers too, so the board's JavaScript never repeats it.

  Input:
    KEYS[1] subject hash
    KEYS[2] case hash (a rectification passes its subject hash again)
    ARGV    the fields by their names (`settled`, `gauge`, `warning`…)

  Output:
    their values, in order (nil where unset)
]]
return record_mget(subject_record(KEYS[1], KEYS[2]), ARGV)
