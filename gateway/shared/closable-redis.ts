// A connection to one Redis that can always be closed: disconnect() and quit() settle every
// command still waiting on it and end it ('end' emitted, no more reconnecting), whatever state
// the connection is in. A worker process stopped while Redis was down (or not yet back) hung in
// BullMQ's Worker.close() until its shutdown deadline and exited 1 (README.md#operations,
// Shutdown): BullMQ disconnects its blocking connection and waits for 'end', then quits its
// connections and waits for the answers, and ioredis does not give both on a connection that is
// not ready:
// - the commands in flight when the connection dropped are kept aside (`prevCommandQueue`) to be
//   sent again once ready. ioredis 6.1.0 fails them on disconnect() only while they are still its
//   command queue, before a reconnect reaches Redis; once one has (mid-handshake, or waiting again
//   after a handshake that failed) nothing settles them;
// - quit() on a connection that is not ready waits in the offline queue behind the commands
//   already there, for a ready that may never come.
// Here disconnect() fails what was kept aside with "Connection is closed.", as everything else on
// the connection fails (isRedisUnavailable), and quit() on a connection that is not ready is a
// disconnect(). stopWaitingForRedis() lets a stopping process end a connection and its
// duplicates rather than wait for Redis (gateway/README.md#closing-a-connection).
//
// Two more holes of ioredis 6.0.0 that this class filled are closed by ioredis 6.1.0 itself, and
// left to it: disconnect() while `reconnecting` only cancelled the next attempt, with no 'end' and
// nothing settled (ioredis issue #1247; 6.1.0 ends such a connection: status `end`, 'end'
// emitted, its queues failed "Connection is closed.", but no 'close'); and the SUBSCRIBE and
// SELECT ioredis sends again from its ready handler after a reconnect were left unhandled, so a
// connection closed before Redis answered them ended the process on an unhandled rejection (6.1.0
// catches them and reports them as 'error' events). Running ioredis's close handler after 6.1.0's
// own ending, as this class did for 6.0.0, set the connection `close` again with its manual close
// forgotten: it reconnected, and a stopping one looped between ending and reconnecting for ever.
//
// The one ioredis internal used — `prevCommandQueue` — is used here alone. Checked against
// ioredis 6.1.0; tests/integration/closable-redis.test.ts fails if an upgrade changes it, or
// stops ending a connection waiting to reconnect. A Redis Cluster
// client (the worker's, TimedCluster) is closable-cluster.ts's: its nodes' connections are
// ioredis's own, which end by themselves once lost (no retryStrategy), so what cannot be closed
// there is the cluster client, not a node.
import type { Callback, Command, RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
// ioredis's own duplicate() signature, which ours keeps.
import type { ReplyMappingFromOptions } from 'ioredis/built/types.js';

/** What ioredis fails a command with on a closed connection (isRedisUnavailable). */
export const CONNECTION_CLOSED = 'Connection is closed.';

/** ioredis's items of its command queues. */
interface QueuedCommand {
  command: Command;
}

/** The internal field used (ioredis 6.1.0): commands in flight when a ready connection dropped. */
interface StashedCommands {
  prevCommandQueue?: { shift: () => QueuedCommand | undefined } | null;
}

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

  /**
   * Closes the connection at once, failing "Connection is closed." every command still waiting on
   * it, those kept aside to be sent again included; it never reconnects. ioredis ends it (waiting
   * to reconnect: at once, 'end' emitted; else once its stream has closed).
   */
  override disconnect(reconnect = false): void {
    // Cancels a pending reconnect and marks the close as ours (ioredis's manuallyClosing); a
    // connection waiting to reconnect is ended here by ioredis (6.1.0).
    super.disconnect(reconnect);
    if (reconnect) return;
    // Nothing will be sent again on this connection.
    this.#failStashed();
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
