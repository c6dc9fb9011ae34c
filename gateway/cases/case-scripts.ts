// The case store's Lua scripts (cases/scripts/*.lua, each with a KEYS/ARGV/output header), loaded
// once and run by SHA (shared/lua-script.ts). A script whose name list starts with library chunks
// (last-move.lua, parent-follow.lua, dead-letter-index.lua) is those chunks followed by the script that calls them: Redis
// scripts cannot include one another, and the joint parent rule and the way a move knows its own
// second run must each be written once.
import { readFileSync } from 'node:fs';
import { luaScript, runScript, type LuaScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import { isCaseStatus, type CaseStatus } from './case-status.ts';

const script = (...names: string[]): LuaScript =>
  luaScript(
    names
      .map((name) => readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'))
      .join('\n'),
  );

export const CASE_SCRIPTS = {
  // A submission schedules its 督办 in its one write: the board's track chunks come first.
  createCase: script(
    '../../supervision/scripts/subject-record.lua',
    '../../supervision/scripts/track-subject.lua',
    'create-case.lua',
  ),
  claimOutbox: script('claim-outbox.lua'),
  transitionCase: script(
    'last-move.lua',
    'parent-follow.lua',
    'dead-letter-index.lua',
    'transition-case.lua',
  ),
  followParent: script('last-move.lua', 'parent-follow.lua', 'follow-parent.lua'),
  noteStatusQuery: script('note-status-query.lua'),
  // The same script raises a rectification's flags (one 督办 engine,
  // gateway/README.md#supervision-engine): it lives with the engine.
  raiseFlag: script('../../supervision/scripts/raise-flag.lua'),
  keepProvinceCaseNo: script('keep-province-case-no.lua'),
  // A recounted due time moves the board's due time in the same step: the track chunks first.
  recountDue: script(
    '../../supervision/scripts/subject-record.lua',
    '../../supervision/scripts/track-subject.lua',
    'recount-due.lua',
  ),
  readForDelivery: script('read-for-delivery.lua'),
  linkFollowUp: script('link-follow-up.lua'),
  resealCase: script('reseal-case.lua'),
  resealField: script('reseal-field.lua'),
  resealListEntry: script('reseal-list-entry.lua'),
  reindexDeadLetter: script('dead-letter-index.lua', 'reindex-dead-letter.lua'),
} as const;

const CLAIM_DUE = script('claim-silent-cases.lua');

/**
 * Claims up to `limit` members of a sorted set scored at or before `cutoffMs` (due: a silent case,
 * or an outbox entry whose listeners may not have heard of it, or whose earlier claim ran out),
 * re-scoring them to `claimUntilMs` in the same step, so no process claims them again before
 * then. The one claim of the silence watch and of the reconciler's move and rectification
 * outboxes (claim-silent-cases.lua).
 */
export async function claimDue(
  redis: RedisClient,
  key: string,
  cutoffMs: number,
  claimUntilMs: number,
  limit: number,
): Promise<string[]> {
  return (await runScript(redis, CLAIM_DUE, [key], [cutoffMs, claimUntilMs, limit])) as string[];
}

/** transition-case.lua's answer: verdict, status, stored history length, then the parent's three. */
export type TransitionReply = [string, string, number, string?, string?, number?];

/** follow_parent's answer: the parent's previous status, new status and stored history length. */
export type FollowReply = [string, string, number];

/** A status as transition-case.lua or follow-parent.lua answers it: one it knows, or a bug. */
export function asStatus(value: string): CaseStatus {
  if (isCaseStatus(value)) return value;
  throw new Error(`transition-case.lua answered an unknown status ${value}`);
}
