// The operator actions under way (gateway/README.md#audit-chain). An action's outcome is appended
// to the chain once the action has ended (operator-audit.ts's auditedAction), so a gateway process
// that died in between — killed, out of memory, cut at its shutdown deadline — left an action
// done, or half done, with no entry at all. Now each action first writes its intent here (the
// entry it will append, without its outcome), and removes it once the outcome is in the chain.
// An intent older than INTERRUPTED_AFTER_MS that no process removed is an action whose process
// stopped: any gateway's periodic look appends it as `failed`, saying it was interrupted and that
// whether it took effect is for its target to tell (a replayed case's history, a draft's status).
// The look appends that entry and removes the intent in one step (scripts/append-entry.lua), only
// while the intent is there: several gateways record it once, and a look that dies or is refused
// midway leaves the intent for the next one — never an intent gone with no entry. The order of the
// normal path — outcome appended, then the intent removed — errs on the
// side of the record: a process dying between the two leaves an extra `failed` entry, never a
// missing one. An action still running after INTERRUPTED_AFTER_MS (none should: the longest, a
// whole-chain verification, takes seconds) gets that entry too, then its own outcome.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { AuditEntryInput } from './audit-chain.ts';

/** How long an action may be under way before it counts as interrupted. */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;

/** As long as an entry's reason may be (operator-audit.ts cuts an action's to it too). */
const REASON_MAX = 500;

/** The reason of an interrupted action's entry. */
export const INTERRUPTED_REASON =
  'interrupted: the gateway process serving it stopped before it ended; whether it took effect, its target shows';

interface Intent {
  entry: AuditEntryInput;
  /** When the action started, ms (the gateway's clock). */
  at: number;
}

export interface ActionIntents {
  /** Writes the intent of an action about to run: the entry it will append. Returns its id. */
  begin(entry: AuditEntryInput): Promise<string>;
  /** Removes an intent once its outcome is in the chain. */
  ended(id: string): Promise<void>;
  /**
   * Appends, as `failed`, every action under way longer than `afterMs` (default
   * INTERRUPTED_AFTER_MS) whose intent no process removed; returns how many.
   */
  recordInterrupted(afterMs?: number): Promise<number>;
}

export interface ActionIntentsDeps {
  redis: RedisClient;
  keys: RedisKeys;
  now: () => Date;
  /**
   * Appends `entry` and removes intent `id` in one step, only while the intent exists; false when
   * another process had recorded it.
   */
  appendClaimed: (entry: AuditEntryInput, id: string) => Promise<boolean>;
}

export function createActionIntents(deps: ActionIntentsDeps): ActionIntents {
  const key = deps.keys.audit.intents;
  return {
    async begin(entry) {
      const id = randomUUID();
      const intent: Intent = { entry, at: deps.now().getTime() };
      await deps.redis.hset(key, id, JSON.stringify(intent));
      return id;
    },

    async ended(id) {
      await deps.redis.hdel(key, id);
    },

    async recordInterrupted(afterMs = INTERRUPTED_AFTER_MS) {
      const cutoff = deps.now().getTime() - afterMs;
      let recorded = 0;
      // A handful at most: only actions whose process died are left for long.
      for (const [id, text] of Object.entries(await deps.redis.hgetall(key))) {
        let intent: Intent | undefined;
        try {
          intent = JSON.parse(text) as Intent;
        } catch {
          intent = undefined;
        }
        if (!intent) {
          // Not ours to read (written by hand?): removed, as before, with nothing to record.
          await deps.redis.hdel(key, id);
          continue;
        }
        if (intent.at > cutoff) continue;
        const said =
          intent.entry.reason === undefined ? '' : `; reason given: ${intent.entry.reason}`;
        const claimed = await deps.appendClaimed(
          {
            ...intent.entry,
            outcome: 'failed',
            reason:
              `${INTERRUPTED_REASON} (started ${new Date(intent.at).toISOString()})${said}`.slice(
                0,
                REASON_MAX,
              ),
          },
          id,
        );
        if (claimed) recorded++;
      }
      return recorded;
    },
  };
}
