// How a process (gateway, worker) joins the published catalogue: the seed files (read only when Redis holds
// no catalogue yet), the store on the shared connection, a connection of its own for the publish
// hint (unless GW_CATALOGUE_SUBSCRIBE=false) and the poll interval.
import { duplicateConnection, type RedisClient } from '../../shared/redis.ts';
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

export function connectCatalogue<T>(
  catalogue: LiveCatalogue<T>,
  redis: RedisClient,
  config: Pick<Config, 'keyPrefix' | 'cataloguePollMs' | 'catalogueSubscribe'>,
): Promise<SyncOutcome> {
  return catalogue.connect({
    store: createCatalogueStore(redis, redisKeys(config.keyPrefix).catalogue),
    seed: () => readCatalogueSeed(),
    subscriber: config.catalogueSubscribe ? duplicateConnection(redis) : undefined,
    pollMs: config.cataloguePollMs,
  });
}
