// The published catalogue in Redis (gateway/README.md#catalogue-administration): every item
// version's metadata and the text of its schema and examples, the working-day calendars, the
// sunsets of superseded versions and a monotonic revision. Versions are immutable; the seed import
// and each publish are single scripts on the one `{catalogue}` slot.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '../../shared/redis.ts';
import { luaScript, runScript } from '../../shared/lua-script.ts';
import type { CatalogueKeys } from '../../shared/redis-keys.ts';
import { versionKey, type ItemSource } from '../item-source.ts';

const script = (name: string) =>
  luaScript(readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8'));
const SEED = script('seed-catalogue.lua');
const PUBLISH = script('publish-draft.lua');

/** One published item version as stored (versions never change once written). */
export interface PublishedVersion {
  /** The catalogue.json entry, key order kept. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly schemaText: string;
  readonly examplesText: string;
  /** ISO instant; absent for the seed. */
  readonly publishedAt?: string;
  readonly publishedBy?: string;
  readonly draftId?: string;
}

/** What a gateway reads on every revision change; item versions are fetched only when new. */
export interface CatalogueState {
  readonly revision: number;
  /** `<code>@<version>` → digest (item-source.ts). */
  readonly digests: ReadonlyMap<string, string>;
  /** Version keys in catalogue order. */
  readonly order: readonly string[];
  readonly sunsets: ReadonlyMap<string, string>;
  /** Year → the calendar file's text. */
  readonly calendars: ReadonlyMap<number, string>;
}

/** The seed: the files under schemas/ and config/calendars/. */
export interface CatalogueSeed {
  readonly sources: readonly ItemSource[];
  readonly calendars: ReadonlyMap<number, string>;
}

export type PublishOutcome =
  | { readonly ok: true; readonly revision: number; readonly version: number }
  | { readonly ok: false; readonly reason: 'status'; readonly status: string }
  | { readonly ok: false; readonly reason: 'stale'; readonly latest: number };

export interface PublishRequest {
  readonly draftKey: string;
  readonly approver: string;
  readonly at: string;
  readonly item?: {
    readonly code: string;
    readonly baseVersion: number;
    readonly version: PublishedVersion;
    readonly digest: string;
    /** The superseded version's sunset, for a breaking change. */
    readonly sunsetAt?: string;
  };
  readonly calendar?: { readonly year: number; readonly text: string };
}

/** The calendar files' text by year (config/calendars/<year>.json). */
export function readCalendarTexts(dir: string): Map<number, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => /^\d{4}\.json$/.test(f))
      .sort()
      .map((f) => [Number(f.slice(0, 4)), readFileSync(join(dir, f), 'utf8')] as const),
  );
}

export function storedVersion(source: ItemSource): PublishedVersion {
  return {
    metadata: source.metadata,
    schemaText: source.schemaText,
    examplesText: source.examplesText,
  };
}

export interface VersionRecord extends PublishedVersion {
  readonly version: number;
  readonly sunsetAt?: string;
}

export interface CatalogueStore {
  readonly keys: CatalogueKeys;
  /** Imports the seed when the catalogue is empty; true when this call imported it. */
  seed(seed: CatalogueSeed): Promise<boolean>;
  revision(): Promise<number>;
  state(): Promise<CatalogueState>;
  versions(keys: readonly string[]): Promise<Map<string, PublishedVersion>>;
  latestVersion(code: string): Promise<number | undefined>;
  /** Every published version of one item, oldest first, with its sunset if it has one. */
  history(code: string): Promise<VersionRecord[]>;
  publish(request: PublishRequest): Promise<PublishOutcome>;
}

export function createCatalogueStore(redis: RedisClient, keys: CatalogueKeys): CatalogueStore {
  return {
    keys,
    async seed(seed) {
      const args: (string | number)[] = [seed.sources.length];
      for (const source of seed.sources) {
        const { code, version } = source.item;
        args.push(
          versionKey(code, version),
          JSON.stringify(storedVersion(source)),
          source.digest,
          code,
          version,
        );
      }
      for (const [year, text] of seed.calendars) args.push(String(year), text);
      const imported = await runScript(
        redis,
        SEED,
        [keys.revision, keys.versions, keys.digests, keys.latest, keys.order, keys.calendars],
        args,
      );
      return imported === 1;
    },
    async revision() {
      return Number((await redis.get(keys.revision)) ?? 0);
    },
    async state() {
      // One transaction, so the digests, order and sunsets belong to the revision read.
      const replies = await redis
        .multi()
        .get(keys.revision)
        .hgetall(keys.digests)
        .lrange(keys.order, 0, -1)
        .hgetall(keys.sunsets)
        .hgetall(keys.calendars)
        .exec();
      const values = (replies ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
      const [revision, digests, order, sunsets, calendars] = values as [
        string | null,
        Record<string, string>,
        string[],
        Record<string, string>,
        Record<string, string>,
      ];
      return {
        revision: Number(revision ?? 0),
        digests: new Map(Object.entries(digests)),
        order,
        sunsets: new Map(Object.entries(sunsets)),
        calendars: new Map(Object.entries(calendars).map(([y, t]) => [Number(y), t])),
      };
    },
    async versions(wanted) {
      const found = new Map<string, PublishedVersion>();
      // Chunks keep one reply small when a whole catalogue is read at start.
      for (let i = 0; i < wanted.length; i += 50) {
        const chunk = wanted.slice(i, i + 50);
        const texts = await redis.hmget(keys.versions, ...chunk);
        chunk.forEach((key, j) => {
          const text = texts[j];
          if (text) found.set(key, JSON.parse(text) as PublishedVersion);
        });
      }
      return found;
    },
    async latestVersion(code) {
      const latest = await redis.hget(keys.latest, code);
      return latest === null ? undefined : Number(latest);
    },
    async history(code) {
      const latest = Number((await redis.hget(keys.latest, code)) ?? 0);
      if (latest === 0) return [];
      const wanted = Array.from({ length: latest }, (_, i) => versionKey(code, i + 1));
      const [texts, sunsets] = await Promise.all([
        redis.hmget(keys.versions, ...wanted),
        redis.hmget(keys.sunsets, ...wanted),
      ]);
      return texts.flatMap((text, i) => {
        if (!text) return [];
        const sunsetAt = sunsets[i];
        return [
          {
            ...(JSON.parse(text) as PublishedVersion),
            version: i + 1,
            ...(sunsetAt ? { sunsetAt } : {}),
          },
        ];
      });
    },
    async publish(request) {
      const item = request.item;
      const reply = (await runScript(
        redis,
        PUBLISH,
        [
          keys.revision,
          keys.versions,
          keys.digests,
          keys.latest,
          keys.order,
          keys.sunsets,
          keys.calendars,
          request.draftKey,
          keys.calendarRecounts,
        ],
        [
          item ? 'item' : 'calendar',
          item?.code ?? '',
          item?.baseVersion ?? 0,
          item ? versionKey(item.code, item.baseVersion + 1) : '',
          item ? JSON.stringify(item.version) : '',
          item?.digest ?? '',
          item?.sunsetAt ? versionKey(item.code, item.baseVersion) : '',
          item?.sunsetAt ?? '',
          request.approver,
          request.at,
          request.calendar ? String(request.calendar.year) : '',
          request.calendar?.text ?? '',
          keys.channel,
        ],
      )) as [string, string | number, number?];
      const [outcome, a, b] = reply;
      if (outcome === 'ok') return { ok: true, revision: Number(a), version: Number(b) };
      if (outcome === 'stale') return { ok: false, reason: 'stale', latest: Number(a) };
      return { ok: false, reason: 'status', status: String(a) };
    },
  };
}
