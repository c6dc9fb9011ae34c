// The catalogue a process follows while it runs (gateway/README.md#live-reload). It starts from the
// published catalogue in Redis (importing the seed files when the catalogue is empty) or, for tools
// and tests that never connect, from the files alone (revision 0). Each publish bumps the revision;
// this instance learns it from the pub/sub hint and from a short poll of the revision — a lost
// message only delays a reload, never loses it — then fetches only the item versions whose digest
// it has not seen, has its builder make what the process uses of them (compiling just those
// versions) and swaps that in with the revision's working-day calendar. What is built depends on
// the process: a gateway compiles a schema registry (registryBuilder in schema-registry.ts), the
// worker only the typed results and names it uses (typed-results.ts). A reload that fails keeps
// the last good state and says so in status(), which the gateway's /readyz reports.
import type { RedisClient } from '../shared/redis.ts';
import { once } from 'node:events';
import {
  createCalendar,
  loadCalendar,
  type WorkingCalendar,
  type YearCalendar,
} from '../calendar/working-days.ts';
import type { Logger } from '../shared/logger.ts';
import { unlessAborted } from '../shared/start-abort.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import { parseCatalogue } from './catalogue-loader.ts';
import { itemSource, versionKey, type ItemSource } from './item-source.ts';
import type { CatalogueSeed, CatalogueState, CatalogueStore } from './published/catalogue-store.ts';
import type { SchemaRegistry } from './schema-registry.ts';

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
  /** Connections made for this link (the store's), closed with the catalogue. */
  readonly connections?: readonly RedisClient[];
}

/** What a builder made of one revision's item versions. */
export interface CatalogueBuild<T> {
  readonly built: T;
  /** Why the revision cannot be used (the reload then fails and keeps the last good state). */
  readonly problems: readonly string[];
  /** Item versions compiled for it (the rest were compiled before). */
  readonly compiled: number;
  /** The compile, in milliseconds. */
  readonly ms: number;
}

/** What a process makes of the published item versions: each process compiles what it uses. */
export interface CatalogueBuilder<T> {
  /** What it holds before it has read a revision (nothing published known yet). */
  empty(): T;
  /** Builds from every item version of a revision, in catalogue order. */
  build(sources: readonly ItemSource[], state: CatalogueState): CatalogueBuild<T>;
}

export interface LiveCatalogue<T = SchemaRegistry> {
  /** What the revision served was built into; read it at each use, since a reload replaces it. */
  readonly current: T;
  calendar(): WorkingCalendar;
  status(): CatalogueStatus;
  /**
   * Imports the seed into an empty catalogue, loads it, then follows it (hint and poll). `signal`:
   * a process stopped during its start (shared/start-abort.ts); aborted before that is done, the
   * link's connections are closed at once and it rejects with the signal's reason.
   */
  connect(link: CatalogueLink, signal?: AbortSignal): Promise<SyncOutcome>;
  /** Brings it to the catalogue's revision now; serialised with every other reload. */
  sync(): Promise<SyncOutcome>;
  close(): Promise<void>;
}

export interface LiveCatalogueOptions<T> {
  readonly builder: CatalogueBuilder<T>;
  readonly logger: Logger;
  /** The files' sources and what was built of them when it starts from them (tools, tests). */
  readonly initial?: { readonly sources: readonly ItemSource[]; readonly built: T };
  /** The working-day calendar before it connects; default config/calendars/. */
  readonly calendar?: WorkingCalendar;
}

function parseCalendars(texts: ReadonlyMap<number, string>): WorkingCalendar {
  const years = [...texts.values()].map((t) => JSON.parse(t) as YearCalendar);
  return createCalendar(years);
}

export function createLiveCatalogue<T>(options: LiveCatalogueOptions<T>): LiveCatalogue<T> {
  const { builder, logger } = options;
  // One state, swapped whole: what was built, its sources, its calendar and its revision always
  // belong to the same revision.
  let served = {
    revision: 0,
    built: options.initial?.built ?? builder.empty(),
    sources: new Map((options.initial?.sources ?? []).map((s) => [key(s), s])),
    calendar: options.calendar ?? loadCalendar(),
  };
  let link: CatalogueLink | undefined;
  let problems: readonly string[] | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let poll: NodeJS.Timeout | undefined;
  /** Set when a start gave up on its link (connect's signal): its reloads fail by our doing. */
  let abandoned = false;

  function key(source: ItemSource): string {
    return versionKey(source.item.code, source.item.version);
  }

  /** Sources of the state: the ones held, plus the versions not seen yet (fetched here). */
  async function sourcesOf(store: CatalogueStore, state: CatalogueState) {
    const { sources } = served;
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
    const { revision } = served;
    if (!link) return { revision, compiled: 0, ms: 0 };
    const { store } = link;
    try {
      // An empty store (a first start, or a Redis that came back without its data) is seeded
      // from the files, by whichever process finds it so first (the seed script imports once):
      // it must never be read as a catalogue of no items, which would refuse every submission.
      const stored = await store.revision();
      if (stored === 0) {
        if (await store.seed(link.seed()))
          logger[revision === 0 ? 'info' : 'warn'](
            { revision },
            'catalogue seeded from schemas/ and config/calendars/ (the catalogue in Redis was empty)',
          );
      } else if (!force && problems === undefined && stored === revision) {
        return { revision, compiled: 0, ms: performance.now() - started };
      }
      const state = await store.state();
      const list = await sourcesOf(store, state);
      const outcome = builder.build(list, state);
      if (outcome.problems.length > 0)
        throw new CatalogueInvalidError(`revision ${state.revision}`, outcome.problems);
      served = {
        revision: state.revision,
        built: outcome.built,
        sources: new Map(list.map((s) => [key(s), s])),
        calendar: state.calendars.size > 0 ? parseCalendars(state.calendars) : served.calendar,
      };
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
      // A reload whose connection was closed under it by a stopped start ("Connection is closed.")
      // is not a catalogue that failed: the start logs why it stopped.
      if (!abandoned) logger.error({ err: error, revision }, 'catalogue reload failed');
      throw error;
    }
  }

  function sync(force = false): Promise<SyncOutcome> {
    const next = queue.then(() => reload(force));
    queue = next.catch(() => undefined);
    return next;
  }

  /** The first load of `next`, then its hint and poll. */
  async function follow(next: CatalogueLink, signal?: AbortSignal): Promise<SyncOutcome> {
    const outcome = await sync(true);
    const subscriber = next.subscriber;
    if (subscriber) {
      subscriber.on('message', () => void sync().catch(() => undefined));
      // ioredis resubscribes after a reconnect; a hint lost meanwhile is the poll's to find.
      if (subscriber.status !== 'ready') await once(subscriber, 'ready', signal ? { signal } : {});
      await subscriber.subscribe(next.store.keys.channel);
    }
    // A link given up on meanwhile is not polled.
    signal?.throwIfAborted();
    poll = setInterval(() => void sync().catch(() => undefined), next.pollMs);
    poll.unref();
    return outcome;
  }

  /**
   * A start that stops gives up on `next` now: its connections closed, what waits on them fails
   * ("Connection is closed.") rather than wait for a Redis that stopped answering (the worker's
   * reader has no command timeout, the gateway's the start-up timeout).
   */
  function abandon(next: CatalogueLink): void {
    abandoned = true;
    next.subscriber?.disconnect();
    for (const connection of next.connections ?? []) connection.disconnect();
  }

  return {
    get current() {
      return served.built;
    },
    calendar: () => served.calendar,
    status: () => ({
      revision: served.revision,
      connected: link !== undefined,
      current: problems === undefined,
      ...(problems ? { problems } : {}),
    }),
    connect(next, signal) {
      link = next;
      return unlessAborted(follow(next, signal), signal, () => abandon(next));
    },
    sync: () => sync(),
    async close() {
      if (poll) clearInterval(poll);
      poll = undefined;
      if (link?.subscriber) link.subscriber.disconnect();
      await queue;
      for (const connection of link?.connections ?? []) connection.disconnect();
    },
  };
}
