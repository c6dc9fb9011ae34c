// How a process (gateway, worker) joins the published catalogue: the seed files (read only when Redis holds
// no catalogue yet), the store on a connection of its own, another for the publish hint (unless
// GW_CATALOGUE_SUBSCRIBE=false) and the poll interval.
import { commandTimeoutOf, duplicateConnection, type RedisClient } from '../../shared/redis.ts';
import type { Config } from '../../../config/load-config.ts';
import { projectPath } from '../../shared/project-root.ts';
import { redisKeys } from '../../shared/redis-keys.ts';
import { readSeedSources } from '../item-source.ts';
import type { LiveCatalogue, SyncOutcome } from '../live-catalogue.ts';
import { createCatalogueStore, readCalendarTexts, type CatalogueSeed } from './catalogue-store.ts';

/** The files under schemas/ and config/calendars/: what an empty catalogue starts from. */
export function readCatalogueSeed(
  schemasDir = projectPath('schemas'),
  calendarsDir = projectPath('config/calendars'),
): CatalogueSeed {
  return { sources: readSeedSources(schemasDir), calendars: readCalendarTexts(calendarsDir) };
}

/**
 * The reads of the published catalogue go on a connection of their own, held to the start-up
 * timeout rather than the request path's command timeout: a start reads every item version (about
 * 1.5 MB in one reply), which a loaded machine took longer than 500 ms to deliver, so the
 * gateway refused to start ("catalogue: Command timed out"); and such a reply on the requests'
 * connection would hold up every answer queued behind it.
 */
export function connectCatalogue<T>(
  catalogue: LiveCatalogue<T>,
  redis: RedisClient,
  config: Pick<
    Config,
    'keyPrefix' | 'cataloguePollMs' | 'catalogueSubscribe' | 'redisStartupTimeoutMs'
  >,
  /** A process stopped during its start: the connect gives up (LiveCatalogue#connect). */
  signal?: AbortSignal,
): Promise<SyncOutcome> {
  // A connection without a timeout (a worker's, which waits for Redis) keeps none.
  const timeout = commandTimeoutOf(redis);
  const reader = duplicateConnection(redis, {
    commandTimeoutMs:
      timeout === undefined ? undefined : Math.max(timeout, config.redisStartupTimeoutMs),
  });
  return catalogue.connect(
    {
      store: createCatalogueStore(reader, redisKeys(config.keyPrefix).catalogue),
      seed: () => readCatalogueSeed(),
      subscriber: config.catalogueSubscribe ? duplicateConnection(redis) : undefined,
      pollMs: config.cataloguePollMs,
      connections: [reader],
    },
    signal,
  );
}
