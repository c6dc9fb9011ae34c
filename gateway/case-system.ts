// The case store with its transition listeners, the rectification store with its own, the 督办
// board and the queues, built the same way by every process that moves cases or rectifications:
// the gateway (gateway/services.ts) and the adapter workers (adapters/worker-process.ts); the
// operator CLI goes through the gateway's API. Because the listeners are given to the stores
// here, at construction, a move made anywhere queues its portal callback, tracks or settles its
// 督办 and opens the rating window of a closed case — and the reconciler, retelling a move whose
// process died before its listeners ran (gateway/README.md#outbox-rule), tells the same ones.
import { producerConnection, type RedisClient } from './shared/redis.ts';
import type { Config } from '../config/load-config.ts';
import { CallbackQueue, callbackListener } from './callbacks/callback-queue.ts';
import { createCaseStore, type CaseStore } from './cases/case-store.ts';
import type { CaseStoreSettings } from './cases/case-store-context.ts';
import type { ResultSchemas } from './cases/event-result.ts';
import { loadDataKeys } from './personal-data/data-keys.ts';
import { createSealer, type Sealer } from './personal-data/sealed-data.ts';
import { ratingWindowListener } from './evaluations/default-ratings.ts';
import { EvaluationStore } from './evaluations/evaluation-store.ts';
import { CaseQueues } from './queues/case-queues.ts';
import {
  rectificationCallbackListener,
  rectificationSubjects,
  rectificationSupervisionListener,
} from './rectifications/rectification-supervision.ts';
import { RectificationStore } from './rectifications/rectification-store.ts';
import { rectificationOpener } from './rectifications/open-rectification.ts';
import type { RectificationOpener } from './evaluations/rectification-opener.ts';
import type { Logger } from './shared/logger.ts';
import { redisKeys } from './shared/redis-keys.ts';
import { unlessAborted } from './shared/start-abort.ts';
import {
  caseSubjects,
  caseSupervisionListener,
  submissionSchedule,
} from './supervision/case-supervision.ts';
import type { SubmissionSchedule } from './cases/submit-case.ts';
import type { SupervisedKind } from './supervision/supervised-subject.ts';
import { SupervisionBoard } from './supervision/supervision-board.ts';
import type { SupervisionData } from './supervision/supervision-data.ts';

export interface CaseSystem {
  store: CaseStore;
  /** Seals personal data at rest under the current data key (personal-data/sealed-data.ts). */
  sealer: Sealer;
  queues: CaseQueues;
  callbacks: CallbackQueue;
  board: SupervisionBoard;
  evaluations: EvaluationStore;
  rectifications: RectificationStore;
  /** How an evaluation opens a rectification. */
  opener: RectificationOpener;
  /** What the 督办 engine supervises: cases and rectifications. */
  supervised: readonly SupervisedKind[];
  /** A routed case's 督办 schedule, written by its submission. */
  schedule: SubmissionSchedule;
  /**
   * Opens the delivery queues of these adapters and resolves once they and the callbacks' queue
   * have checked the server. BullMQ checks it (an INFO) once per queue handle, and a handle whose
   * check failed fails every later use: a process puts nothing on its queues (the gateway's
   * replays and status queries, a worker's relay) before this resolved, and does not start when
   * it rejects. `signal`: a process stopped during its start (shared/start-abort.ts); aborted
   * before the checks are done, the queues' own connection is closed and it rejects with the
   * signal's reason (on the caller's connection, closing it is the caller's).
   */
  ready: (adapters: readonly string[], signal?: AbortSignal) => Promise<void>;
  /**
   * Closes the queue handles and the queues' own connection, if they were given one (the Redis
   * connection in the deps is the caller's).
   */
  close: () => Promise<void>;
}

export interface CaseSystemDeps {
  redis: RedisClient;
  /** The case store's settings, and how long finished jobs are kept. */
  config: CaseStoreSettings & Pick<Config, 'jobRetentionSeconds' | 'jobRetentionCount'>;
  /** Calendar and per-province deadlines (supervision/supervision-data.ts). */
  supervision: Pick<SupervisionData, 'calendar' | 'policy'>;
  log: Logger;
  /** The clock of every status time. */
  now: () => Date;
  /**
   * The items' typed results, to mask a result in callbacks (gateway/cases/masked-result.ts);
   * without them a callback withholds the result's text.
   */
  results?: ResultSchemas;
}

export function createCaseSystem(deps: CaseSystemDeps): CaseSystem {
  const { redis, config, log, now } = deps;
  const keys = redisKeys(config.keyPrefix, config.redisShards);
  // BullMQ's queues stay off a batched connection (shared/redis.ts#producerConnection).
  const producer = producerConnection(redis);
  const callbacks = new CallbackQueue(producer, keys, config);
  const board = new SupervisionBoard(redis, keys, config.caseRetentionDays);
  // Applicants' comments are sealed at rest like their submissions (personal-data/).
  const sealer = createSealer(loadDataKeys(config));
  const evaluations = new EvaluationStore(redis, keys, config, sealer);
  const store = createCaseStore({
    redis,
    config,
    now,
    listeners: [
      callbackListener(callbacks, log, sealer, deps.results),
      caseSupervisionListener(board, deps.supervision),
      ratingWindowListener(evaluations, deps.supervision.policy),
    ],
  });
  const rectifications = new RectificationStore({
    redis,
    keys,
    sealer,
    now,
    listeners: [
      rectificationCallbackListener(callbacks, log),
      rectificationSupervisionListener(board, deps.supervision),
    ],
  });
  const queues = new CaseQueues(producer, keys, config);
  return {
    store,
    sealer,
    queues,
    callbacks,
    board,
    evaluations,
    rectifications,
    opener: rectificationOpener({ ...deps.supervision, rectifications }),
    schedule: (record) => submissionSchedule(record, deps.supervision),
    ready: async (adapters, signal) => {
      queues.open(adapters);
      const checked = Promise.all([queues.ready(), callbacks.queue.waitUntilReady()]);
      await unlessAborted(checked, signal, () => {
        if (producer !== redis) producer.disconnect();
      });
    },
    supervised: [
      caseSubjects({ store, callbacks, rules: deps.supervision }),
      rectificationSubjects({ rectifications, callbacks, board, rules: deps.supervision }),
    ],
    close: async () => {
      await queues.close();
      await callbacks.close();
      if (producer !== redis) await producer.quit().catch(() => producer.disconnect());
    },
  };
}
