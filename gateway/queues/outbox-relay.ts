// The outbox relay (gateway/README.md#outbox-relay): turns the outbox entries a submission's one
// write left in its shard into jobs on the adapter queues, in batches — per adapter queue (job id
// = case id; a joint case's children are jobs like any other) — then queues each case's ROUTED
// callback, links a resubmission from the case it follows up, and only then removes the entries.
// The running relay claims a shard's next batch as soon as the last one's jobs exist: what
// follows them no longer delays the next case's job; and it removes a finished batch's entries
// with the shard's next claim (a nudge's, or the poll's within pollMs), in the same script, not
// with a round trip of their own. A relay that dies anywhere in between leaves
// its entries claimed for `claimMs`; the next relay (or the reconciler) claims them again and the
// job ids make the repeat a no-op: nothing lost, nothing queued twice. Relays are safely
// concurrent: a claim hides a batch from the others.
//
// Woken promptly: every submission publishes its shard on the outbox channel, and a short poll
// covers a lost message. Runs in the worker processes; the gateway's reconciler is the safety net.
import type { Config } from '../../config/load-config.ts';
import type { CallbackQueue } from '../callbacks/callback-queue.ts';
import type { CaseOutbox, OutboxEntry } from '../cases/case-outbox.ts';
import type { CaseMarks } from '../cases/case-marks.ts';
import { ROUTED_SEQUENCE } from '../cases/submission-history.ts';
import type { Logger } from '../shared/logger.ts';
import type { RedisClient } from '../shared/redis.ts';
import { rateLimitedLog } from '../shared/rate-limited-log.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseQueues } from './case-queues.ts';

export interface RelayDeps {
  /** The outbox part of the case store (case-outbox.ts), and the follow-up link it writes. */
  store: Pick<CaseOutbox, 'claimOutbox' | 'outboxDone'> & Pick<CaseMarks, 'linkFollowUp'>;
  queues: CaseQueues;
  callbacks: CallbackQueue;
  /** Told the ids of each batch whose jobs now exist (the bench times submission → job). */
  onQueued?: (caseIds: readonly string[]) => void;
}

export interface RelaySettings {
  /** Entries claimed at once. */
  batch: number;
  /** How long a claim hides a batch from other relays (a dead relay's batch waits this long). */
  claimMs: number;
}

export const RELAY_DEFAULTS: RelaySettings = { batch: 500, claimMs: 10_000 };

/** The relay's settings from the configuration (GW_RELAY_*). */
export function relayOptions(config: Pick<Config, 'relayPollMs' | 'relayBatch' | 'relayClaimMs'>): {
  pollMs: number;
  settings: RelaySettings;
} {
  return {
    pollMs: config.relayPollMs,
    settings: { batch: config.relayBatch, claimMs: config.relayClaimMs },
  };
}

/**
 * Relays one batch of a shard's entries stored at or before `cutoffMs` (and those whose claim ran
 * out). Answers how many entries it took: a full batch means there may be more.
 */
export async function relayBatch(
  deps: RelayDeps,
  shard: number,
  cutoffMs: number,
  settings: RelaySettings = RELAY_DEFAULTS,
): Promise<number> {
  const entries = await queueBatch(deps, shard, cutoffMs, settings);
  if (entries.length > 0) {
    await settleBatch(deps, entries);
    await deps.store.outboxDone(
      shard,
      entries.map((e) => e.caseId),
    );
  }
  return entries.length;
}

/**
 * Claims a batch and queues its jobs: the part of a batch that decides when a job exists. `done`:
 * entries of finished batches, removed by the same claim.
 */
async function queueBatch(
  deps: RelayDeps,
  shard: number,
  cutoffMs: number,
  settings: RelaySettings,
  done: readonly string[] = [],
): Promise<OutboxEntry[]> {
  const entries = await deps.store.claimOutbox(
    shard,
    cutoffMs,
    Date.now() + settings.claimMs,
    settings.batch,
    done,
  );
  if (entries.length === 0) return entries;
  await queueJobs(deps, entries);
  deps.onQueued?.(entries.filter((e) => e.queue).map((e) => e.caseId));
  return entries;
}

/**
 * What a batch owes once its jobs exist, before its entries may be removed: each case's ROUTED
 * callback and a resubmission's link (until the removal the entries stay claimed, so a relay
 * that dies here has the batch relayed again, as a no-op).
 */
async function settleBatch(deps: RelayDeps, entries: readonly OutboxEntry[]): Promise<void> {
  await deps.callbacks.enqueueMany(
    entries.flatMap(({ caseId, clientId, callbackUrl, createdAt, queue }) =>
      queue && callbackUrl
        ? [
            {
              jobId: `status-${caseId}-ROUTED`,
              job: {
                caseId,
                clientId,
                url: callbackUrl,
                status: 'ROUTED' as const,
                sequence: ROUTED_SEQUENCE,
                at: createdAt,
              },
            },
          ]
        : [],
    ),
  );
  for (const e of entries) {
    // Linked once the follow-up's job exists; the link is made once however often this repeats.
    if (e.queue && e.relatedCaseId) {
      await deps.store.linkFollowUp(e.relatedCaseId, e.caseId, {
        at: e.createdAt,
        actor: e.clientId,
        note: `resubmitted as ${e.caseId}`,
      });
    }
  }
}

async function queueJobs(deps: RelayDeps, entries: readonly OutboxEntry[]): Promise<void> {
  // A joint case's children are plain jobs on their adapters' queues, batched with the rest.
  const byAdapter = new Map<string, string[]>();
  const add = (adapter: string, caseId: string) => {
    const ids = byAdapter.get(adapter) ?? [];
    ids.push(caseId);
    byAdapter.set(adapter, ids);
  };
  for (const { caseId, queue } of entries) {
    if (queue?.kind === 'single') add(queue.adapter, caseId);
    else if (queue?.kind === 'joint') for (const c of queue.children) add(c.adapter, c.caseId);
  }
  await Promise.all([...byAdapter].map(([adapter, ids]) => deps.queues.enqueueMany(adapter, ids)));
}

/** Relays every batch of one shard stored at or before `cutoffMs`; answers how many. */
export async function relayShard(
  deps: RelayDeps,
  shard: number,
  cutoffMs: number,
  settings: RelaySettings = RELAY_DEFAULTS,
): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await relayBatch(deps, shard, cutoffMs, settings);
    total += taken;
    if (taken < settings.batch) return total;
  }
}

export interface RunningRelay {
  stop: () => Promise<void>;
}

/**
 * Runs the relay in this process: a shard is relayed as soon as a submission's nudge names it,
 * and every shard every `pollMs` (a nudge lost while the subscriber reconnected).
 */
export function startOutboxRelay(
  deps: RelayDeps & { keys: RedisKeys; log: Logger },
  /** A connection of its own: a subscribed connection takes no other commands. */
  subscriber: RedisClient,
  options: { pollMs: number; settings?: RelaySettings },
): RunningRelay {
  const settings = options.settings ?? RELAY_DEFAULTS;
  const failures = rateLimitedLog(deps.log);
  const failed = (error: unknown, shard: number) => {
    // Redis down or a queue refusing: the entries stay claimed; a later claim takes them again.
    failures.warn('outbox-relay', { err: error, shard }, 'outbox relay failed; will retry');
  };
  // Each shard is relayed on its own, so a nudge never waits for another shard's batch; one shard
  // has one claim at a time, and a nudge that comes meanwhile has it claim again when it is done.
  const relaying = new Map<number, Promise<void>>();
  const nudgedAgain = new Set<number>();
  // Batches whose jobs exist and whose callbacks, links and removal are still under way: the next
  // claim does not wait for them (they cannot take its entries: those are claimed until then).
  const finishing = new Set<Promise<void>>();
  // Entries of finished batches, per shard, waiting for the shard's next claim to remove them: a
  // nudge's, or at the latest the poll's. Until then they stay claimed; lost (a relay that dies),
  // they are relayed again once their claim runs out, as a no-op.
  const finished = new Map<number, string[]>();
  const keepFinished = (shard: number, ids: readonly string[]) => {
    const waiting = finished.get(shard);
    if (waiting) waiting.push(...ids);
    else finished.set(shard, [...ids]);
  };
  let stopped = false;

  const relayNow = async (shard: number) => {
    try {
      for (;;) {
        // This claim takes every entry stored by now: only a nudge from now on asks for another.
        nudgedAgain.delete(shard);
        const done = finished.get(shard) ?? [];
        finished.delete(shard);
        let entries: OutboxEntry[];
        try {
          entries = await queueBatch(deps, shard, Date.now(), settings, done);
        } catch (error) {
          // Maybe not removed: the next claim names them again (a repeated ZREM changes nothing).
          keepFinished(shard, done);
          throw error;
        }
        if (entries.length === 0) return;
        const finish: Promise<void> = settleBatch(deps, entries)
          .then(() =>
            keepFinished(
              shard,
              entries.map((e) => e.caseId),
            ),
          )
          .catch((error: unknown) => failed(error, shard))
          .finally(() => finishing.delete(finish));
        finishing.add(finish);
        if (entries.length < settings.batch || stopped) return;
      }
    } catch (error) {
      failed(error, shard);
    }
  };
  const wake = (shard: number) => {
    if (stopped) return;
    if (relaying.has(shard)) {
      nudgedAgain.add(shard);
      return;
    }
    // Started in this tick: the poll's claims of every shard leave together (on a batched
    // connection in one write), not one round trip after another.
    relaying.set(
      shard,
      relayNow(shard).finally(() => {
        relaying.delete(shard);
        if (nudgedAgain.delete(shard)) wake(shard);
      }),
    );
  };
  const onMessage = (channel: string, message: string) => {
    const shard = Number(message);
    if (channel === deps.keys.outboxNudge && Number.isInteger(shard)) wake(shard);
  };
  subscriber.on('message', onMessage);
  void subscriber.subscribe(deps.keys.outboxNudge).catch((error: unknown) => {
    // Stopped before Redis answered (a worker whose start failed just after, closing what it
    // opened): the subscriber was disconnected on purpose, and "Connection is closed." with its
    // stack only buried the start's one line that says what failed.
    if (stopped) return;
    failures.warn('outbox-relay-subscribe', { err: error }, 'outbox nudges unavailable; polling');
  });
  const timer = setInterval(() => {
    for (const shard of deps.keys.allShards) wake(shard.shard);
  }, options.pollMs);
  timer.unref();
  for (const shard of deps.keys.allShards) wake(shard.shard);

  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      subscriber.off('message', onMessage);
      // Not quit(): with Redis gone, a worker connection would queue it for ever.
      subscriber.disconnect();
      while (relaying.size > 0 || finishing.size > 0) {
        await Promise.allSettled([...relaying.values(), ...finishing]);
      }
      // Finished batches no claim took with it: removed now (Redis gone, they stay claimed).
      await Promise.all(
        [...finished].map(([shard, ids]) =>
          deps.store.outboxDone(shard, ids).catch((error: unknown) => failed(error, shard)),
        ),
      );
      finished.clear();
    },
  };
}
