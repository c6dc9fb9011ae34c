// A connection to one Redis that can always be closed: disconnect() and quit() settle every
// command still waiting on it and end it ('end' emitted, no more reconnecting), whatever state
// the connection is in. A worker process stopped while Redis was down (or not yet back) hung in
// BullMQ's Worker.close() until its shutdown deadline and exited 1 (README.md#operations,
// Shutdown): BullMQ disconnects its blocking connection and waits for 'end', then quits its
// connections and waits for the answers, and ioredis (6.0.0) gives neither on a connection that
// is waiting to reconnect:
// - disconnect() while `reconnecting` only cancels the next attempt: no stream is left to close,
//   so nothing emits 'close' or 'end' and the commands queued meanwhile (the offline queue) never
//   settle (ioredis issue #1247; the fix proposed upstream is PR #2169, not released);
// - the commands in flight when the connection dropped are kept aside (`prevCommandQueue`) to be
//   sent again once ready, and nothing else ever settles them (flushQueue does not see them);
// - quit() on a connection that is not ready waits in the offline queue behind the commands
//   already there, for a ready that may never come.
// Here disconnect() fails what was kept aside with "Connection is closed.", as everything else on
// the connection fails (isRedisUnavailable), and ends a waiting connection the way ioredis ends
// one it closes by hand (its own close handler); quit() on a connection that is not ready is a
// disconnect(). stopWaitingForRedis() lets a stopping process end a connection and its
// duplicates rather than wait for Redis (gateway/README.md#closing-a-connection).
//
// It also keeps ioredis's own re-subscription from ending the process: after a reconnect, ioredis
// sends SUBSCRIBE (and SELECT) again from its ready handler and drops the promise, so a
// connection closed before Redis answered them rejected it unhandled ("Connection is closed."),
// and Node ends a process on an unhandled rejection (exit 1 on SIGTERM).
//
// The two ioredis internals used — its close handler (`ioredis/built/redis/event_handler.js`) and
// `prevCommandQueue` — are used here alone. Checked against ioredis 6.0.0;
// tests/integration/closable-redis.test.ts fails if an upgrade changes either. A Redis Cluster
// client (the worker's, TimedCluster) is closable-cluster.ts's: its nodes' connections are
// ioredis's own, which end by themselves once lost (no retryStrategy), so what cannot be closed
// there is the cluster client, not a node.
import type { Callback, Command, RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { closeHandler } from 'ioredis/built/redis/event_handler.js';
// ioredis's own duplicate() signature, which ours keeps.
import type { ReplyMappingFromOptions } from 'ioredis/built/types.js';

/** What ioredis fails a command with on a closed connection (isRedisUnavailable). */
export const CONNECTION_CLOSED = 'Connection is closed.';

/** Commands ioredis's ready handler sends again after a reconnect without handling the answer. */
const RESENT_UNHANDLED = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'select']);

/** ioredis's items of its command queues. */
interface QueuedCommand {
  command: Command;
}

/** The internal field used (ioredis 6.0.0): commands in flight when a ready connection dropped. */
interface StashedCommands {
  prevCommandQueue?: { shift: () => QueuedCommand | undefined } | null;
}

type SendCommand = Redis['sendCommand'];

/** Our connections answer in ioredis's default shapes (`replyMapping` legacy). */
export type LegacyRedisOptions = RedisOptions & { replyMapping?: 'legacy' };

export class ClosableRedis extends Redis {
  /** The connections duplicated from this one (BullMQ's own, a subscriber, a queue's). */
  readonly #duplicates = new Set<WeakRef<ClosableRedis>>();
  /** Set by stopWaitingForRedis(). */
  #waitsForRedis = true;

  /** `url` undefined: the options name the server (a duplicate's). */
  constructor(url: string | undefined, options: LegacyRedisOptions) {
    // ioredis skips an undefined argument.
    super(url as string, options);
  }

  /**
   * For a process that stops: from now on this connection, and every one duplicated from it,
   * ends rather than waits for Redis — at once if it is not ready now, else as soon as it loses
   * Redis — so what waits on them fails "Connection is closed." instead of outlasting the shutdown
   * deadline. A connection that is ready stays so: what is in flight finishes.
   */
  stopWaitingForRedis(): void {
    if (!this.#waitsForRedis) return;
    this.#waitsForRedis = false;
    for (const ref of this.#duplicates) ref.deref()?.stopWaitingForRedis();
    endUnlessReadyFromNowOn(this);
  }

  override sendCommand(...[command, stream]: Parameters<SendCommand>): ReturnType<SendCommand> {
    const sent = super.sendCommand(command, stream);
    // A caller that waits for it still sees its failure; ioredis's resubscription does not wait.
    if (RESENT_UNHANDLED.has(command.name)) command.promise.catch(() => undefined);
    return sent;
  }

  /**
   * Closes the connection at once. Not ready, it also ends it here and now: the commands waiting
   * fail "Connection is closed.", 'close' and 'end' are emitted, it never reconnects.
   */
  override disconnect(reconnect = false): void {
    const status = this.status;
    // Cancels a pending reconnect and marks the close as ours (ioredis's manuallyClosing).
    super.disconnect(reconnect);
    if (reconnect) return;
    // Nothing will be sent again on this connection.
    this.#failStashed();
    // With no stream to close, nothing else would run ioredis's close handler: run it as the
    // stream's 'close' would (manually closing: status end, queues flushed, no reconnect).
    if (status === 'reconnecting') closeHandler(this)();
  }

  /**
   * Ready: QUIT, answered once Redis has answered what was sent before it. Otherwise there is
   * nothing sent to wait for: disconnect(), resolved once the connection has ended.
   */
  override quit(callback?: Callback<'OK'>): Promise<'OK'> {
    if (this.status === 'ready') return super.quit(callback);
    const ended = this.status === 'end' ? Promise.resolve() : once(this, 'end');
    if (this.status !== 'end') this.disconnect();
    const quitted = ended.then(() => 'OK' as const);
    if (callback) quitted.then((ok) => callback(null, ok), callback);
    return quitted;
  }

  /** A connection of this class with the same options (ioredis's duplicate() otherwise). */
  override duplicate<Override extends Partial<RedisOptions> | undefined = undefined>(
    override?: Override,
  ): Redis<ReplyMappingFromOptions<'legacy', Override>> {
    const duplicate = this.adopt(
      new ClosableRedis(undefined, { ...this.options, ...override } as LegacyRedisOptions),
    );
    return duplicate as unknown as Redis<ReplyMappingFromOptions<'legacy', Override>>;
  }

  /** Counts `duplicate` among this connection's own, which stop waiting for Redis with it. */
  protected adopt<Duplicate extends ClosableRedis>(duplicate: Duplicate): Duplicate {
    for (const ref of this.#duplicates) if (!ref.deref()) this.#duplicates.delete(ref);
    this.#duplicates.add(new WeakRef(duplicate));
    if (!this.#waitsForRedis) duplicate.stopWaitingForRedis();
    return duplicate;
  }

  #failStashed(): void {
    const stashed = this as unknown as StashedCommands;
    const queue = stashed.prevCommandQueue;
    if (!queue) return;
    stashed.prevCommandQueue = null;
    for (let item = queue.shift(); item; item = queue.shift()) {
      item.command.reject(new Error(CONNECTION_CLOSED));
    }
  }
}

/**
 * A stopping process's client (a connection or a Cluster client) ends now unless it is ready, and
 * from now on whenever it starts waiting for its next attempt ('reconnecting': every node lost,
 * and again should someone connect it anew). One home for ClosableRedis's and ClosableCluster's
 * stopWaitingForRedis.
 */
export function endUnlessReadyFromNowOn(client: {
  readonly status: string;
  disconnect(): void;
  on(event: 'reconnecting', listener: () => void): unknown;
}): void {
  const endUnlessReady = () => {
    if (client.status !== 'ready' && client.status !== 'end') client.disconnect();
  };
  client.on('reconnecting', endUnlessReady);
  endUnlessReady();
}

function once(redis: Redis, event: string): Promise<void> {
  return new Promise((resolve) => redis.once(event, () => resolve()));
}
