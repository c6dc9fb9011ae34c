// Redis connections per role (gateway/README.md#redis-requirements). The HTTP path must fail fast
// when Redis is gone so a portal gets 503 within a second instead of a hang: no offline queue, one
// attempt, a command timeout. Workers are the opposite: BullMQ needs maxRetriesPerRequest null and
// waits for Redis. The same settings reach one Redis (`redis://`, `rediss://`), a master found
// through its Sentinels (`redis-sentinel://host:port,host:port/<masterName>`, redis-sentinel.ts)
// or a Redis Cluster (`redis-cluster://host:port,host:port`, gateway/README.md#redis-cluster): the
// code above this module takes any, because every key it writes together shares one hash tag.
import { Cluster, ReplyError, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config/load-config.ts';
import { BatchedRedis } from './batched-redis.ts';
import { ClosableCluster } from './closable-cluster.ts';
import { unreachedClusterReason } from './cluster-announced.ts';
import { ClosableRedis } from './closable-redis.ts';
import { StartupError } from './startup-error.ts';
import {
  ioredisNatMap,
  natMapProblems,
  reachedLabel,
  parseRedisNatMap,
  type RedisNatMap,
} from './redis-nat-map.ts';
import {
  masterAnnouncedBySentinels,
  sentinelList,
  sentinelMasterLabel,
  sentinelOptions,
  unreachedMasterReason,
} from './redis-sentinel.ts';
import { COMMAND_TIMED_OUT, sendToNode, TimedCluster, TimedRedis } from './command-timeout.ts';
import { isSlotMoving } from './slot-moving.ts';
import { unlessAborted } from './start-abort.ts';

/**
 * http: the gateway's HTTP path (fail fast, batched); worker: BullMQ's workers and producers in a
 * worker process (wait for Redis, not batched: BullMQ defines commands on its connection and
 * pipelines its own); store: a worker process's own commands (wait for Redis, batched).
 */
export type RedisRole = 'http' | 'worker' | 'store';

/**
 * Whether a role's commands issued in one turn of the event loop share a socket write
 * (batched-redis.ts). On one Redis only: a Redis Cluster writes each command to its node's
 * connection as it comes.
 */
export function batchesWrites(role: RedisRole): boolean {
  return role !== 'worker';
}

/** One Redis or a Redis Cluster: the commands the gateway uses are the same on both. */
export type RedisClient = Redis | Cluster;

/** A host and port of REDIS_URL's list (a cluster's seed nodes, the Sentinels). */
export interface RedisNode {
  host: string;
  port: number;
}

/** Where REDIS_URL points: one server, the seed nodes of a cluster, or a master's Sentinels. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      nodes: RedisNode[];
      username?: string;
      password?: string;
      tls: boolean;
    }
  | SentinelTarget;

/**
 * A master found through its Sentinels (redis-sentinel.ts). The credentials are the master's
 * (and its replicas'); the Sentinels' own, when they ask for any, are `sentinelUsername` and
 * `sentinelPassword`.
 */
export interface SentinelTarget {
  kind: 'sentinel';
  sentinels: RedisNode[];
  /** The name the Sentinels monitor the master under (`sentinel monitor <name> …`). */
  name: string;
  db: number;
  username?: string;
  password?: string;
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** TLS to the master and to the Sentinels alike. */
  tls: boolean;
}

const LIST_SCHEME = /^(rediss?)-(cluster|sentinel):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/;

/** The Sentinels' own credentials, in the query of a sentinel URL: the only parameters read. */
const SENTINEL_PARAMETERS = new Set(['sentinelUsername', 'sentinelPassword']);

const SENTINEL_FORM =
  'redis-sentinel://[user:password@]host:port,host:port/<masterName>[/<db>][?sentinelPassword=…]';

/**
 * `redis-cluster://[user:password@]host:port,host:port` (TLS: `rediss-cluster://`) names a Redis
 * Cluster by some of its nodes (ioredis learns the rest); `redis-sentinel://[user:password@]
 * host:port,…/<masterName>[/<db>]` (TLS: `rediss-sentinel://`) a master by its Sentinels, the
 * Sentinels' own credentials in `?sentinelUsername=…&sentinelPassword=…`; anything else is one
 * server's URL. A malformed one is refused here, naming REDIS_URL, before anything connects.
 */
export function parseRedisTarget(url: string): RedisTarget {
  const match = LIST_SCHEME.exec(url);
  if (!match) {
    if (/^rediss?-(cluster|sentinel):/.test(url)) {
      throw new StartupError(`REDIS_URL: not a ${url.split(':')[0]} URL`);
    }
    // ioredis would throw its own TypeError ("Invalid URL") from deep in a connection's making.
    if (!URL.canParse(url)) {
      throw new StartupError('REDIS_URL: not a URL: redis://[user:password@]host:port[/db]');
    }
    return { kind: 'single', url };
  }
  const [, scheme, kind, authority, path, query] = match as unknown as [
    string,
    string,
    'cluster' | 'sentinel',
    string,
    string,
    string | undefined,
  ];
  const at = authority.lastIndexOf('@');
  const auth = at === -1 ? undefined : authority.slice(0, at);
  const what = kind === 'cluster' ? 'cluster node' : 'Sentinel';
  const nodes = parseNodes(at === -1 ? authority : authority.slice(at + 1), what);
  const credentials = parseCredentials(auth);
  const tls = scheme === 'rediss';
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys()) {
    if (kind === 'cluster' || !SENTINEL_PARAMETERS.has(key)) {
      throw new StartupError(
        `REDIS_URL: unknown parameter "${key}" (only a sentinel URL takes any: sentinelUsername, sentinelPassword)`,
      );
    }
  }
  if (kind === 'cluster') {
    if (nodes.length === 0) throw new StartupError('REDIS_URL: a cluster URL names no node');
    return { kind: 'cluster', nodes, ...credentials, tls };
  }
  if (nodes.length === 0) {
    throw new StartupError(`REDIS_URL: a sentinel URL names no Sentinel: ${SENTINEL_FORM}`);
  }
  const [name, db, ...extra] = path.split('/').slice(1).map(decoded);
  if (!name || extra.length > 0) {
    throw new StartupError(
      `REDIS_URL: a sentinel URL names the master after its Sentinels, then at most its database: ${SENTINEL_FORM}`,
    );
  }
  if (db !== undefined && !/^\d{1,5}$/.test(db)) {
    throw new StartupError(`REDIS_URL: database "${db}" is not a number: ${SENTINEL_FORM}`);
  }
  const sentinelUsername = params.get('sentinelUsername');
  const sentinelPassword = params.get('sentinelPassword');
  return {
    kind: 'sentinel',
    sentinels: nodes,
    name,
    db: Number(db ?? 0),
    ...credentials,
    ...(sentinelUsername ? { sentinelUsername } : {}),
    ...(sentinelPassword ? { sentinelPassword } : {}),
    tls,
  };
}

/** `host:port,host:port` (a port left out is 6379 for a node, 26379 for a Sentinel). */
function parseNodes(list: string, what: 'cluster node' | 'Sentinel'): RedisNode[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((node) => {
      const colon = node.lastIndexOf(':');
      const defaultPort = what === 'Sentinel' ? 26_379 : 6379;
      const port = colon === -1 ? defaultPort : Number(node.slice(colon + 1));
      const host = colon === -1 ? node : node.slice(0, colon);
      if (!host || !Number.isInteger(port) || port <= 0 || port > 65_535) {
        throw new StartupError(`REDIS_URL: ${what} "${node}" is not host:port`);
      }
      return { host, port };
    });
}

/** `user:password`, `:password` or `password`, percent-decoded. */
function parseCredentials(auth: string | undefined): { username?: string; password?: string } {
  if (!auth) return {};
  const colon = auth.indexOf(':');
  const username = colon !== -1 ? decoded(auth.slice(0, colon)) : undefined;
  const password = decoded(colon === -1 ? auth : auth.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** Percent-decoded; a stray `%` refused as the URL's mistake (decodeURIComponent's URIError). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new StartupError('REDIS_URL: a "%" not followed by two hex digits (write "%25")');
  }
}

/**
 * Where REDIS_URL points, without its credentials: for a log line or a start's failure (the URL
 * may carry a password).
 */
export function redisTargetLabel(url: string): string {
  const target = parseRedisTarget(url);
  const list = (nodes: RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (target.kind === 'cluster') return `cluster ${list(target.nodes)}`;
  if (target.kind === 'sentinel')
    return `master "${target.name}" of Sentinels ${list(target.sentinels)}`;
  return new URL(url).host;
}

export interface RedisSettings {
  redisUrl: string;
  redisCommandTimeoutMs: number;
  redisConnectTimeoutMs: number;
  redisReconnectMaxDelayMs: number;
  /**
   * The reachable address of each address the Sentinels or a cluster's nodes announce
   * (redis-nat-map.ts); none when unset.
   */
  natMap?: RedisNatMap;
}

// Its home is startup-error.ts, which a start's failure report imports without ioredis.
export { StartupError } from './startup-error.ts';

/** The connection settings of a process (gateway, worker, CLI) from its configuration. */
export function redisSettings(config: Config): RedisSettings {
  if (!config.redisUrl) throw new StartupError('REDIS_URL is not set');
  // loadConfig refused a malformed map already; a Config made otherwise (a test's) is held to it.
  const problems = natMapProblems(
    config.redisNatMap,
    'GW_REDIS_NAT_MAP',
    config.redisUrl,
    'REDIS_URL',
  );
  if (problems.length > 0) throw new StartupError(problems.join('; '));
  const { map } = parseRedisNatMap(config.redisNatMap ?? '', 'GW_REDIS_NAT_MAP');
  return {
    redisUrl: config.redisUrl,
    redisCommandTimeoutMs: config.redisCommandTimeoutMs,
    redisConnectTimeoutMs: config.redisConnectTimeoutMs,
    redisReconnectMaxDelayMs: config.redisReconnectMaxDelayMs,
    ...(map.length > 0 ? { natMap: map } : {}),
  };
}

export function redisOptions(role: RedisRole, settings: RedisSettings): RedisOptions {
  const common: RedisOptions = {
    connectTimeout: settings.redisConnectTimeoutMs,
    // Keep reconnecting for ever, with a capped backoff, so readiness returns by itself.
    retryStrategy: (times) =>
      Math.min(50 * 2 ** Math.min(times, 10), settings.redisReconnectMaxDelayMs),
    lazyConnect: false,
  };
  if (role === 'http') {
    return {
      ...common,
      enableOfflineQueue: false,
      // One attempt: a command in flight when the connection is lost fails at once (503), and is
      // never sent again on the next connection. Redis may have applied it without answering (a
      // Redis stopped with SIGTERM applies the commands of its last turn, writes them to the AOF
      // and exits unanswered), and the caller may have been answered already (its command
      // timeout): a request's nonce, re-sent, came back as used (401 GW_AUTH_REPLAYED_NONCE to a
      // portal whose retry was safe), and a write answered 503 could take effect after it.
      // tests/integration/redis-lost-answer.test.ts; README.md#redis-durability.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: settings.redisCommandTimeoutMs,
    };
  }
  // worker: BullMQ's; store: the case store, 督办 board and evaluations of a worker process, whose
  // jobs run side by side (an adapter's concurrency), so their reads and moves are batched as the
  // gateway's requests are. Nothing defines commands on it (the case system gives its queues their
  // own connection, producerConnection).
  // Both send a command in flight when the connection is lost again on the next one (ioredis's
  // default): with maxRetriesPerRequest null, which BullMQ's blocking commands need, turning that
  // off would leave such a command unsettled for ever. So every write on them is made safe to run
  // twice in its script or its job id (README.md#redis-durability, the table of worker writes).
  return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/** The longest wait between two tries of a command refused TRYAGAIN (ioredis's default). */
const TRYAGAIN_DELAY_MAX_MS = 100;

/**
 * How the `http` role's Cluster client follows a node's refusals (gateway/README.md#redis-cluster):
 * it must give up before its command timeout. A command whose timeout runs out is answered 503 at
 * once, but ioredis still re-sends it when a TRYAGAIN or CLUSTERDOWN wait ends (with its defaults,
 * for up to 16 × 100 ms), so a write answered 503 could be stored after the 503. Each MOVED, ASK,
 * TRYAGAIN, CLUSTERDOWN or lost connection spends one of `maxRedirections` (the next after the last
 * one rejects with "Too many Cluster redirections", a 503 too); MOVED and ASK are followed at once
 * and TRYAGAIN after `retryDelayOnTryAgain`, so every wait together takes at most half the command
 * timeout, the other half left for the round trips. CLUSTERDOWN (a slot without a master: a
 * fail-over, seconds) and a node's lost connection are answered at once: ioredis retries those only
 * after a refresh of its slot map, which may itself take its own timeout (1 s) per node.
 */
export function httpClusterRetries(
  commandTimeoutMs: number,
): Pick<
  ClusterOptions,
  | 'maxRedirections'
  | 'retryDelayOnMoved'
  | 'retryDelayOnTryAgain'
  | 'retryDelayOnClusterDown'
  | 'retryDelayOnFailover'
> {
  const retryDelayOnTryAgain = Math.max(
    1,
    Math.min(TRYAGAIN_DELAY_MAX_MS, Math.floor(commandTimeoutMs / 10)),
  );
  return {
    // 5 or more for any timeout allowed (50 ms and up): room for a stale slot map's MOVED and ASK.
    maxRedirections: Math.max(2, Math.floor(commandTimeoutMs / 2 / retryDelayOnTryAgain)),
    retryDelayOnMoved: 0,
    retryDelayOnTryAgain,
    retryDelayOnClusterDown: 0,
    retryDelayOnFailover: 0,
  };
}

/**
 * A cluster's options: the role's per-node options, its offline queue and backoff at the top; the
 * `http` role's redirections bounded by its command timeout (httpClusterRetries), the workers'
 * ioredis's defaults (they wait for a slot to settle, shared/slot-moving.ts).
 */
export function clusterOptions(
  role: RedisRole,
  settings: RedisSettings,
  target: Extract<RedisTarget, { kind: 'cluster' }>,
): ClusterOptions {
  const { retryStrategy, enableOfflineQueue, ...node } = redisOptions(role, settings);
  return {
    clusterRetryStrategy: retryStrategy,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(role === 'http' ? httpClusterRetries(settings.redisCommandTimeoutMs) : {}),
    // The nodes' own addresses in CLUSTER SLOTS, MOVED and ASK, translated (redis-nat-map.ts).
    ...(settings.natMap ? { natMap: ioredisNatMap(settings.natMap) } : {}),
    redisOptions: {
      ...node,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  };
}

/**
 * The role's connection. The command timeout is ours (shared/command-timeout.ts: a reply already
 * in the socket after a stall of the process is not timed out). BullMQ's worker connections have
 * none and are ClosableRedis (closable-redis.ts; on a cluster ClosableCluster, closable-cluster.ts),
 * as are the duplicates BullMQ makes of them for its blocking connections: closing them ends them
 * even while Redis is down (a worker's shutdown).
 */
export function createRedis(role: RedisRole, settings: RedisSettings): RedisClient {
  const target = parseRedisTarget(settings.redisUrl);
  if (target.kind === 'cluster') {
    const options = clusterOptions(role, settings, target);
    const cluster =
      role === 'worker'
        ? new ClosableCluster(target.nodes, options)
        : new TimedCluster(target.nodes, options);
    // Connection errors are reported through readiness and logs, never as unhandled 'error' events.
    cluster.on('error', () => undefined);
    return cluster;
  }
  // One server by its URL, or the master its Sentinels name (redis-sentinel.ts): the same classes.
  const [url, options] =
    target.kind === 'single'
      ? [target.url, redisOptions(role, settings)]
      : [
          undefined,
          {
            ...redisOptions(role, settings),
            ...sentinelOptions(target, settings.redisConnectTimeoutMs, settings.natMap),
          },
        ];
  const redis = batchesWrites(role)
    ? new BatchedRedis(url, options)
    : new ClosableRedis(url, { ...options, replyMapping: 'legacy' });
  // Connection errors are reported through readiness and logs, never as unhandled 'error' events.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * The connection BullMQ producers (Queue objects) get in a process whose own connection batches
 * its writes: the same settings, a plain connection. BullMQ defines its 64 Lua scripts as
 * commands on the connection it is given; our own connections keep none, so no command is
 * defined while others wait in a batch (with ioredis's auto-pipelining, which the gateway used
 * before, a definition could hand a pipeline's answers to the wrong callers, ioredis #1931, and
 * every definition was copied onto each auto-pipeline, ≈ 75 µs of a submission). A plain
 * connection (a worker's) is returned as it is; the caller closes what it was given only when it
 * differs from `redis`.
 */
export function producerConnection(redis: RedisClient): RedisClient {
  if (!(redis instanceof BatchedRedis)) return redis;
  // duplicate() makes an unbatched connection with the same options and command timeout.
  const producer = redis.duplicate();
  producer.on('error', () => undefined);
  return producer;
}

/**
 * The command timeout of a connection's commands: ours (command-timeout.ts), else ioredis's own
 * (on a Cluster, of its nodes'); none if unset.
 */
export function commandTimeoutOf(redis: RedisClient): number | undefined {
  if (redis instanceof TimedRedis || redis instanceof TimedCluster) return redis.commandTimeoutMs;
  return redis instanceof Cluster
    ? redis.options.redisOptions?.commandTimeout
    : redis.options.commandTimeout;
}

/**
 * A connection like `redis`, of its own: for subscribing (a subscribed connection runs no other
 * commands), or for commands that must not hold up the requests on `redis` or be held to its
 * command timeout (`commandTimeoutMs`: a longer one, or undefined for none).
 */
export function duplicateConnection(
  redis: RedisClient,
  override?: { commandTimeoutMs: number | undefined },
): RedisClient {
  const connection = override
    ? withTimeout(redis, override.commandTimeoutMs)
    : redis instanceof Cluster
      ? redis.duplicate()
      : redis.duplicate();
  // As createRedis's: a duplicate (a subscriber's too) printed "[ioredis] Unhandled error event"
  // on every failed reconnect while Redis was down.
  connection.on('error', () => undefined);
  return connection;
}

function withTimeout(redis: RedisClient, commandTimeout: number | undefined): RedisClient {
  // Commands sent before it has connected wait for it (up to their timeout), rather than fail as
  // the request path's do when Redis is gone: it is made while the process runs. Our connections'
  // duplicate() makes one of our own (TimedRedis, TimedCluster), with the timeout given.
  const enableOfflineQueue = true;
  return redis instanceof Cluster
    ? redis.duplicate(undefined, {
        enableOfflineQueue,
        redisOptions: { ...redis.options.redisOptions, commandTimeout },
      })
    : redis.duplicate({ commandTimeout, enableOfflineQueue });
}

/**
 * Resolves once the connection is ready (on a cluster, every master's: everyMasterAnswers), or
 * rejects after timeoutMs; or at once, with the signal's reason, when `signal` is aborted (a
 * process stopped during its start, shared/process-entry.ts: a pod stopped before Redis came up
 * ends now, not at the start-up timeout). The caller closes the connection either way.
 */
export async function waitForRedis(
  redis: RedisClient,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const sentinels = !(redis instanceof Cluster) && redis.options.sentinels ? redis : undefined;
  // A master name no Sentinel monitors is refused now, not at the end of the start-up timeout.
  const announced = sentinels
    ? await unlessAborted(
        masterAnnouncedBySentinels(
          sentinels,
          Math.min(timeoutMs, sentinels.options.connectTimeout ?? timeoutMs),
        ),
        signal,
        () => undefined,
      )
    : undefined;
  // The connection's last failure, for a refusal: a master announced at an address that does not
  // answer from here (behind address translation) is named with it.
  let lastError: Error | undefined;
  const onError = (error: Error) => {
    lastError = error;
  };
  redis.on('error', onError);
  try {
    await waitForReady(redis, Math.max(1, deadline - Date.now()), timeoutMs, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    if (redis instanceof ClosableCluster) {
      const why = await unreachedClusterReason(
        redis,
        redis.seedNodes,
        redis.options.redisOptions?.connectTimeout ?? timeoutMs,
      );
      if (!why) throw error;
      throw new Error(`${(error as Error).message}: ${why}`, { cause: error });
    }
    if (!sentinels) throw error;
    const why = announced
      ? unreachedMasterReason(sentinels, announced, lastError)
      : `no Sentinel answered (${sentinelList(sentinels)})`;
    throw new Error(`${(error as Error).message}: ${why}`, { cause: error });
  } finally {
    redis.off('error', onError);
  }
  if (redis instanceof Cluster) await everyMasterAnswers(redis, deadline - Date.now(), signal);
  else await unlessAborted(inSelectedDatabase(redis), signal, () => undefined);
}

/** host:port of a connection's server; through Sentinels, the master's name and where it is. */
function serverLabel(redis: Redis): string {
  return redis.options.sentinels
    ? sentinelMasterLabel(redis)
    : `${redis.options.host}:${redis.options.port}`;
}

/**
 * ioredis selects the URL's database (`/<db>`) once connected and, when Redis refuses it (an index
 * past its `databases`, 16 by default), reports the error and carries on in database 0: a gateway
 * told `/99` served from database 0 beside whatever lived there. So the start asks Redis.
 */
async function inSelectedDatabase(redis: Redis): Promise<void> {
  const wanted = redis.options.db ?? 0;
  if (wanted === 0) return;
  const info = String(await redis.call('CLIENT', 'INFO'));
  const db = Number(/(?:^|\s)db=(\d+)/.exec(info)?.[1]);
  if (db !== wanted) {
    // Not a StartupError: the process prefixes the setting it came from (REDIS_URL, the portal's).
    throw new Error(
      `Redis refused database ${wanted} (its databases setting; ${serverLabel(redis)} is in database ${db})`,
    );
  }
}

/**
 * A Cluster client is 'ready' once one node gave it the slot map; it connects to each other master
 * when a command first goes there. The http role's offline queue is off, so while a master's
 * connection was still being made every command for its slots was refused "Connection is closed"
 * (a 503 each): a PING to every master makes each connection and waits for it (a node's own
 * connection queues commands until it is ready), so the first requests find them all ready.
 * tests/integration/redis-cluster-ready.test.ts.
 */
async function everyMasterAnswers(
  redis: Cluster,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const pings = Promise.all(
    redis.nodes('master').map((node) => sendToNode(node, Math.max(1, timeoutMs), 'ping')),
  );
  try {
    // The caller closes the connection: nothing to close on an abort here.
    await unlessAborted(pings, signal, () => undefined);
  } catch (error) {
    if (error instanceof Error && error.message === COMMAND_TIMED_OUT)
      throw new Error(`Redis not reachable within ${timeoutMs} ms: not every master answered`);
    throw error;
  }
}

/** `waitedMs`: the whole wait the caller was given, for its message (the Sentinels' part included). */
async function waitForReady(
  redis: RedisClient,
  timeoutMs: number,
  waitedMs: number,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable within ${waitedMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onAbort = () => {
      cleanup();
      reject(signal!.reason as Error);
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      signal?.removeEventListener('abort', onAbort);
    };
    redis.on('ready', onReady);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RedisServerFacts {
  /** host:port of the server, on a cluster (every master is checked). */
  node?: string;
  version: string;
  maxmemoryPolicy: string;
  aofEnabled: boolean;
  appendfsync?: string;
}

function infoField(info: string, field: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

function factsOf(info: string, node?: string): RedisServerFacts {
  return {
    ...(node ? { node } : {}),
    version: infoField(info, 'redis_version') ?? infoField(info, 'valkey_version') ?? '0',
    maxmemoryPolicy: infoField(info, 'maxmemory_policy') ?? 'unknown',
    aofEnabled: infoField(info, 'aof_enabled') === '1',
  };
}

/** CONFIG is often disabled or renamed on managed Redis: then the fsync policy is unknown. */
async function readAppendfsync(
  node: Redis,
  timeoutMs: number | undefined,
): Promise<string | undefined> {
  try {
    const reply = await sendToNode(node, timeoutMs, 'config', 'GET', 'appendfsync');
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch {
    return undefined;
  }
}

/** `timeoutMs`: a cluster's command timeout, which its nodes' connections do not hold. */
async function nodeFacts(
  node: Redis,
  timeoutMs: number | undefined,
  name?: string,
): Promise<RedisServerFacts> {
  const [info, appendfsync] = await Promise.all([
    sendToNode(node, timeoutMs, 'info') as Promise<string>,
    readAppendfsync(node, timeoutMs),
  ]);
  return { ...factsOf(info, name), ...(appendfsync ? { appendfsync } : {}) };
}

/**
 * The facts of the server, or of every master of a cluster: a single master that evicts could
 * lose the jobs and cases of its slots, so each one is checked.
 */
export async function readRedisFacts(redis: RedisClient): Promise<RedisServerFacts[]> {
  // INFO works where CONFIG is disabled (managed Redis): only the fsync policy needs CONFIG.
  // Through Sentinels, the master they named, by its name and address (a problem names it).
  if (!(redis instanceof Cluster)) {
    const name = redis.options.sentinels ? sentinelMasterLabel(redis) : undefined;
    return [await nodeFacts(redis, commandTimeoutOf(redis), name)];
  }
  const masters = redis.nodes('master');
  if (masters.length === 0) throw new StartupError('Redis Cluster: no master is known');
  return Promise.all(
    masters.map((node) =>
      nodeFacts(
        node,
        commandTimeoutOf(redis),
        reachedLabel(redis.options.natMap, node.options.host ?? '?', node.options.port ?? 0),
      ),
    ),
  );
}

/**
 * GW_REDIS_DURABILITY (README.md#redis-durability): what Redis must persist before the gateway
 * answers 202 on it. always: AOF with every write fsynced before Redis replies, so neither a
 * crash nor a power loss loses a case; aof: AOF with any policy; none: not checked.
 */
export type RedisDurability = 'always' | 'aof' | 'none';

/** The setting, or what the run mode implies: in production no acknowledged case may be lost. */
export function redisDurability(config: Pick<Config, 'env' | 'redisDurability'>): RedisDurability {
  return config.redisDurability ?? (config.env === 'production' ? 'always' : 'none');
}

export interface RedisVerdict {
  /** Each refuses the start. */
  problems: string[];
  /** Each is logged at start: a loss the operator accepted with GW_REDIS_DURABILITY=aof. */
  warnings: string[];
}

const EVERYSEC_LOSS =
  'a Redis crash while its disk lags, or a power loss, can lose up to about 2 s of cases already answered 202';

/**
 * gateway/README.md#redis-requirements: queued jobs and case records must never be evicted, so the
 * gateway refuses to run on Redis older than 7 or with any maxmemory-policy other than noeviction;
 * and on persistence weaker than GW_REDIS_DURABILITY asks for.
 */
export function judgeRedis(
  all: readonly RedisServerFacts[],
  durability: RedisDurability,
): RedisVerdict {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const facts of all) {
    const server = facts.node ? `Redis ${facts.node}` : 'Redis';
    const major = Number(facts.version.split('.')[0]);
    if (!(major >= 7))
      problems.push(`${server} ${facts.version} is too old: version 7 or newer is required`);
    if (facts.maxmemoryPolicy !== 'noeviction') {
      problems.push(
        `${server} maxmemory-policy is ${facts.maxmemoryPolicy}: it must be noeviction, or queued cases could be evicted (set "maxmemory-policy noeviction" in redis.conf)`,
      );
    }
    if (durability === 'none') continue;
    const setting = `GW_REDIS_DURABILITY=${durability}`;
    if (!facts.aofEnabled) {
      problems.push(
        `${server} has AOF off: a restart would lose every case written since its last snapshot (set "appendonly yes", "appendfsync always" in redis.conf; ${setting})`,
      );
      continue;
    }
    if (facts.appendfsync === 'always') continue;
    const fsync =
      facts.appendfsync === undefined
        ? `${server} refused CONFIG GET appendfsync, so whether it fsyncs every write is unknown`
        : `${server} has appendfsync ${facts.appendfsync}: ${EVERYSEC_LOSS}`;
    if (durability === 'aof') warnings.push(fsync);
    else {
      problems.push(
        `${fsync} (set "appendfsync always" in redis.conf, or accept that with GW_REDIS_DURABILITY=aof)`,
      );
    }
  }
  return { problems, warnings };
}

const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Command timed out',
  'Connection is closed',
  'Reached the max retries per request limit',
  'connect ECONNREFUSED',
  'Redis not reachable',
  // A command of a pipeline whose earlier commands were answered before the connection closed
  // (ioredis's AbortError): the replica barrier's WAIT after its mark's SET when the master dies
  // under the wait, or a connection killed. By its message, not its name: a fetch's AbortError
  // (a province's post given up) is not Redis's.
  'Command aborted due to connection close',
  // A Cluster client between losing its slot map and refreshing it.
  "Cluster isn't ready",
  // A Cluster client that lost every node (ioredis 6.1.0, built/cluster/index.js): what it fails
  // its queued commands with when it ends (closable-cluster.ts closes one that a stopping worker
  // disconnects) or its connect fails; every node refusing its slot-map refresh
  // (ClusterAllFailedError); a command retried after its node's connection dropped, or a refresh,
  // finding the client closed or closing (as "Connection is closed" on one Redis).
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  'Cluster is ended',
  'Cluster is disconnected',
  'Cluster is disconnecting',
];

/**
 * A server's refusals that pass once it is ready again: LOADING (restarted, reading its data),
 * READONLY (a master demoted to replica by a fail-over, until the client finds the new master),
 * MASTERDOWN (a replica that lost its master); and its refusals of every write until an operator
 * acts: MISCONF (it cannot persist: its last background save failed, or its AOF cannot be written,
 * with stop-writes-on-bgsave-error) and OOM (maxmemory reached under noeviction). Those are an
 * operator's alert (README.md#redis-durability), not a fault of the request: 503 with Retry-After.
 */
const UNAVAILABLE_REPLY = /^(?:LOADING|READONLY|MASTERDOWN|MISCONF|OOM)\b/;

/**
 * True for the errors ioredis raises when Redis is down or too slow, or a Redis Cluster refuses a
 * command while its slot moves (the http role gives up on that before its command timeout,
 * httpClusterRetries): those become 503, and a delivery job waits for Redis without spending an
 * attempt (adapters/kit/job-runner.ts).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isSlotMoving(error)) return true;
  if (error instanceof ReplyError && UNAVAILABLE_REPLY.test(error.message)) return true;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m));
}

/**
 * Whether Redis answers PONG within ms: readiness, the gateway's and a worker's (a PING still
 * queued on a waiting connection then is left to finish).
 */
export async function pingWithin(redis: RedisClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([redis.ping().then((r) => r === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
