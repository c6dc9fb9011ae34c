// The case store with its transition listeners, and the queues, built the same way by every
// process that moves cases: the gateway (gateway/services.ts), the adapter workers
// (adapters/worker-process.ts) and the operator CLI (scripts/cli.ts). Because the listeners are
// given to the store here, at construction, a move made anywhere queues its portal callback and
// schedules its 督办 flags — a dead-letter replay from the CLI exactly as one over HTTP.
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { CallbackQueue, callbackListener } from './callbacks/callback-queue.ts';
import { createCaseStore, type CaseStore } from './cases/case-store.ts';
import type { ResultSchemas } from './cases/event-result.ts';
import type { DataKeySettings } from './personal-data/data-keys.ts';
import { CaseQueues } from './queues/case-queues.ts';
import type { Logger } from './shared/logger.ts';
import { redisKeys } from './shared/redis-keys.ts';
import { SupervisionSchedule, supervisionListener } from './supervision/supervision-schedule.ts';

export interface CaseSystem {
  store: CaseStore;
  queues: CaseQueues;
  callbacks: CallbackQueue;
  schedule: SupervisionSchedule;
  /** Closes the queue handles (the Redis connection is the caller's). */
  close: () => Promise<void>;
}

export interface CaseSystemDeps {
  redis: Redis;
  config: Pick<Config, 'keyPrefix' | 'idempotencyTtlSeconds' | 'caseRetentionDays'> &
    DataKeySettings;
  log: Logger;
  /** The clock of every status time. */
  now: () => Date;
  /**
   * The items' typed results, to mask a result in callbacks (gateway/cases/masked-result.ts);
   * without them (the operator CLI) a callback withholds the result's text.
   */
  results?: ResultSchemas;
}

export function createCaseSystem(deps: CaseSystemDeps): CaseSystem {
  const keys = redisKeys(deps.config.keyPrefix);
  const callbacks = new CallbackQueue(deps.redis, keys);
  const schedule = new SupervisionSchedule(deps.redis, keys);
  const store = createCaseStore({
    redis: deps.redis,
    config: deps.config,
    now: deps.now,
    listeners: [callbackListener(callbacks, deps.log, deps.results), supervisionListener(schedule)],
  });
  const queues = new CaseQueues(deps.redis, keys);
  return {
    store,
    queues,
    callbacks,
    schedule,
    close: async () => {
      await queues.close();
      await callbacks.close();
    },
  };
}
