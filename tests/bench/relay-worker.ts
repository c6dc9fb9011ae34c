// Child process: the outbox relay of a worker process (gateway/queues/outbox-relay.ts) alone, beside
// the intake bench's gateway, as adapters/worker-process.ts starts it: it turns the gateway's
// outbox entries into jobs. It notes when each case's job came to exist (epoch ms with
// sub-millisecond precision), so the bench can time 202 → job.
import { loadConfig } from '../../config/load-config.ts';
import { fixedCalendarSource, loadCalendar } from '../../gateway/calendar/working-days.ts';
import { createCaseSystem } from '../../gateway/case-system.ts';
import { relayOptions, startOutboxRelay } from '../../gateway/queues/outbox-relay.ts';
import { createLogger, loggerSettings } from '../../gateway/shared/logger.ts';
import {
  createRedis,
  duplicateConnection,
  redisSettings,
  waitForRedis,
} from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { loadSupervisionData } from '../../gateway/supervision/supervision-data.ts';
import { runChild, serveParent } from './ipc.ts';

await runChild(async () => {
  const config = loadConfig();
  const logger = createLogger(loggerSettings(config));
  const connection = createRedis('worker', redisSettings(config));
  await waitForRedis(connection, config.redisStartupTimeoutMs);
  const cases = createCaseSystem({
    redis: connection,
    config,
    supervision: loadSupervisionData(config, fixedCalendarSource(loadCalendar())),
    log: logger,
    now: () => new Date(),
  });
  let queuedAt: Record<string, number> = {};
  const relay = startOutboxRelay(
    {
      store: cases.store,
      queues: cases.queues,
      callbacks: cases.callbacks,
      keys: redisKeys(config.keyPrefix, config.redisShards),
      log: logger,
      onQueued: (ids) => {
        const at = performance.timeOrigin + performance.now();
        for (const id of ids) queuedAt[id] = at;
      },
    },
    duplicateConnection(connection),
    relayOptions(config),
  );
  serveParent(
    {},
    {
      answers: {
        // Every case queued since the last question, and when.
        queued: () => {
          const answer = queuedAt;
          queuedAt = {};
          return answer;
        },
      },
      stop: async () => {
        await relay.stop();
        await cases.close();
        connection.disconnect();
      },
    },
  );
});
