// The catalogue a gateway serves, kept current while it runs (gateway/README.md#live-reload). It
// starts from the published catalogue in Redis (importing the seed files when the catalogue is
// empty) or, for tools and tests that never connect, from the files alone (revision 0). Each publish
// bumps the revision; this instance learns it from the pub/sub hint and from a short poll of the
// revision — a lost message only delays a reload, never loses it — then fetches only the item
// versions whose digest it has not compiled, compiles just those (catalogue-compiler.ts), and swaps
// in a new registry. A reload that fails keeps the last good registry and says so in status(),
// which /readyz reports.
import type { RedisClient } from '../shared/redis.ts';
import { once } from 'node:events';
import {
  createCalendar,
  loadCalendar,
  type WorkingCalendar,
  type YearCalendar,
} from '../calendar/working-days.ts';
import type { Logger } from '../shared/logger.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import { parseCatalogue } from './catalogue-loader.ts';
import type { CatalogueCompiler } from './catalogue-compiler.ts';
import { itemSource, versionKey, type ItemSource } from './item-source.ts';
import type { CatalogueSeed, CatalogueState, CatalogueStore } from './published/catalogue-store.ts';
import { SchemaRegistry } from './schema-registry.ts';

export interface CatalogueStatus {
  /** The revision served (0: the files, not yet read from the catalogue in Redis). */
  readonly revision: number;
  /** Follows the catalogue in Redis (false: serves the files it started with). */
  readonly connected: boolean;
  /** False while the last attempt to bring the catalogue current failed. */
  readonly current: boolean;
  /** Why it is not current. */
  readonly problems?: readonly string[];
}

export interface SyncOutcome {
  readonly revision: number;
  /** Item versions compiled by this reload. */
  readonly compiled: number;
  /** The whole reload (Redis reads, compile, swap), and the compile alone, in milliseconds. */
  readonly ms: number;
  readonly compileMs?: number;
}

export interface CatalogueLink {
  readonly store: CatalogueStore;
  /** The seed files, read only when the catalogue in Redis is empty. */
  readonly seed: () => CatalogueSeed;
  /** A connection of its own for the publish hint; without it the poll alone finds changes. */
  readonly subscriber?: RedisClient;
  /** How often the revision is polled, in milliseconds. */
  readonly pollMs: number;
}

export interface LiveCatalogue {
  readonly registry: SchemaRegistry;
  calendar(): WorkingCalendar;
  status(): CatalogueStatus;
  /** Imports the seed into an empty catalogue, loads it, then follows it (hint and poll). */
  connect(link: CatalogueLink): Promise<SyncOutcome>;
  /** Brings the registry to the catalogue's revision now; serialised with every other reload. */
  sync(): Promise<SyncOutcome>;
  close(): Promise<void>;
}

export interface LiveCatalogueOptions {
  readonly compiler: CatalogueCompiler;
  readonly logger: Logger;
  /** The files' sources and registry when it starts from them (tools, tests); else empty. */
  readonly initial?: { readonly sources: readonly ItemSource[]; readonly registry: SchemaRegistry };
  /** The working-day calendar before it connects; default config/calendars/. */
  readonly calendar?: WorkingCalendar;
}

function parseCalendars(texts: ReadonlyMap<number, string>): WorkingCalendar {
  const years = [...texts.values()].map((t) => JSON.parse(t) as YearCalendar);
  return createCalendar(years);
}

export function createLiveCatalogue(options: LiveCatalogueOptions): LiveCatalogue {
  const { compiler, logger } = options;
  let registry =
    options.initial?.registry ??
    new SchemaRegistry({
      byCode: new Map(),
      envelope: compiler.envelope,
      compileMs: 0,
      ruleContext: compiler.ruleContext,
      now: compiler.now,
    });
  let sources = new Map((options.initial?.sources ?? []).map((s) => [key(s), s]));
  let calendar = options.calendar ?? loadCalendar();
  let link: CatalogueLink | undefined;
  let problems: readonly string[] | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let poll: NodeJS.Timeout | undefined;

  function key(source: ItemSource): string {
    return versionKey(source.item.code, source.item.version);
  }

  /** Sources of the state: the ones held, plus the versions not seen yet (fetched here). */
  async function sourcesOf(store: CatalogueStore, state: CatalogueState) {
    const missing = state.order.filter((k) => sources.get(k)?.digest !== state.digests.get(k));
    const fetched = await store.versions(missing);
    const found = missing.map((k) => fetched.get(k));
    if (found.some((v) => v === undefined))
      throw new CatalogueInvalidError('catalogue', ['a listed item version is missing']);
    const metadata = found.map((v) => v!.metadata);
    const items = metadata.length > 0 ? parseCatalogue({ items: metadata }, 'published') : [];
    const next = new Map<string, ItemSource>();
    for (const k of state.order) {
      const held = sources.get(k);
      if (held && held.digest === state.digests.get(k)) next.set(k, held);
    }
    items.forEach((item, i) => {
      const v = found[i]!;
      next.set(
        versionKey(item.code, item.version),
        itemSource(item, v.metadata, v.schemaText, v.examplesText),
      );
    });
    return state.order.map((k) => next.get(k)!);
  }

  async function reload(force: boolean): Promise<SyncOutcome> {
    const started = performance.now();
    if (!link) return { revision: registry.revision, compiled: 0, ms: 0 };
    const { store } = link;
    if (!force && problems === undefined && (await store.revision()) === registry.revision)
      return { revision: registry.revision, compiled: 0, ms: performance.now() - started };
    try {
      const state = await store.state();
      const list = await sourcesOf(store, state);
      const outcome = compiler.compile(list);
      if (outcome.problems.length > 0)
        throw new CatalogueInvalidError(`revision ${state.revision}`, outcome.problems);
      registry = new SchemaRegistry({
        byCode: outcome.byCode,
        envelope: compiler.envelope,
        compileMs: outcome.ms,
        ruleContext: compiler.ruleContext,
        revision: state.revision,
        sunsets: state.sunsets,
        now: compiler.now,
      });
      sources = new Map(list.map((s) => [key(s), s]));
      if (state.calendars.size > 0) calendar = parseCalendars(state.calendars);
      problems = undefined;
      const ms = performance.now() - started;
      logger.info(
        {
          revision: state.revision,
          compiled: outcome.compiled,
          ms: Math.round(ms),
          compileMs: Math.round(outcome.ms),
        },
        'catalogue loaded',
      );
      return { revision: state.revision, compiled: outcome.compiled, ms, compileMs: outcome.ms };
    } catch (error) {
      problems =
        error instanceof CatalogueInvalidError ? error.problems : [(error as Error).message];
      logger.error({ err: error, revision: registry.revision }, 'catalogue reload failed');
      throw error;
    }
  }

  function sync(force = false): Promise<SyncOutcome> {
    const next = queue.then(() => reload(force));
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    get registry() {
      return registry;
    },
    calendar: () => calendar,
    status: () => ({
      revision: registry.revision,
      connected: link !== undefined,
      current: problems === undefined,
      ...(problems ? { problems } : {}),
    }),
    async connect(next) {
      link = next;
      if ((await next.store.revision()) === 0 && (await next.store.seed(next.seed())))
        logger.info('catalogue seeded from schemas/ and config/calendars/');
      const outcome = await sync(true);
      const subscriber = next.subscriber;
      if (subscriber) {
        subscriber.on('message', () => void sync().catch(() => undefined));
        // ioredis resubscribes after a reconnect; a hint lost meanwhile is the poll's to find.
        if (subscriber.status !== 'ready') await once(subscriber, 'ready');
        await subscriber.subscribe(next.store.keys.channel);
      }
      poll = setInterval(() => void sync().catch(() => undefined), next.pollMs);
      poll.unref();
      return outcome;
    },
    sync: () => sync(),
    async close() {
      if (poll) clearInterval(poll);
      poll = undefined;
      if (link?.subscriber) link.subscriber.disconnect();
      await queue;
    },
  };
}
