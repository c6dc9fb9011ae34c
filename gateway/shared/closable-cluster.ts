// A Redis Cluster client that can always be closed: disconnect() and quit() end it ('end'
// emitted, its queued commands settled, no more reconnecting), whatever state it is in — what
// closable-redis.ts is to one Redis. A worker process on a cluster stopped while every master was
// down hung in BullMQ's Worker.close() until its shutdown deadline and exited 1
// (README.md#operations, Shutdown): BullMQ disconnects its blocking connection and waits for
// 'end', and ioredis 6.0.0 never ended a cluster client that waited to reconnect. Once every
// node's connection has ended (the nodes do not reconnect by themselves: our node options carry
// no retryStrategy), the pool is empty and the client waits for its next attempt
// (`reconnecting`); there ioredis 6.1.0 closes it itself on disconnect() or quit() (status `end`,
// its offline queue failed), and this class leaves that case to it. A client with nodes is closed
// by ioredis too: their connections end and the emptied pool closes it. What is left here:
// - a client asked to close that ioredis leaves in `close` (the constructor's note) is ended;
// - disconnect() on a client with no node in any other state (before its nodes are known) closes
//   it the way ioredis closes one that never connected (status `wait`): its own
//   setStatus('close') and handleCloseEvent(), which, manually closing, set `end` and fail the
//   offline queue;
// - quit() on a client that is not ready is a disconnect(), resolved once it has ended;
// - stopWaitingForRedis() lets a stopping process end a client and its duplicates (BullMQ's
//   blocking connections) rather than wait for the cluster.
//
// The ioredis internals used — Cluster's private setStatus(), handleCloseEvent() and
// manuallyClosing — are used here alone. Checked against ioredis 6.1.0;
// tests/integration/closable-cluster.test.ts fails if an upgrade changes them, or stops ending a
// client that waits to reconnect.
import { Cluster, type Callback, type ClusterNode, type ClusterOptions } from 'ioredis';
// ioredis's own duplicate() signature, which ours keeps (its answer types follow `replyMapping`).
import type { ClusterOptionsWithReplyMapping } from 'ioredis/built/cluster/ClusterOptions.js';
import type { ReplyMappingFromClusterOptions, ReplyMappingMode } from 'ioredis/built/types.js';
import { endUnlessReadyFromNowOn } from './closable-redis.ts';
import { translatedKey } from './redis-nat-map.ts';

/** Cluster's private members used (ioredis 6.1.0, `built/cluster/index.js`). */
interface ClusterInternals {
  setStatus: (status: string) => void;
  handleCloseEvent: (reason?: Error) => void;
  manuallyClosing: boolean;
}

/** The redirect handlers `sendCommand` gives handleError (ioredis 6.1.0; typed `any` there). */
interface RedirectHandlers {
  moved: (slot: number, key: string) => void;
  ask: (slot: string, key: string) => void;
}

/**
 * States in which ioredis itself ends the client on disconnect(), or already has (`reconnecting`
 * since 6.1.0: closing it here as well emitted 'close' and 'end' twice).
 */
const CLOSED_BY_IOREDIS = new Set(['wait', 'reconnecting', 'disconnecting', 'end']);

export class ClosableCluster extends Cluster {
  /** The clients duplicated from this one (BullMQ's blocking connections, a subscriber's). */
  readonly #duplicates = new Set<WeakRef<ClosableCluster>>();
  /**
   * ioredis keeps its own copy private; duplicate() starts from these, and a start that never got
   * ready asks them what the cluster announces (cluster-announced.ts).
   */
  readonly seedNodes: ClusterNode[];
  /** Set by stopWaitingForRedis(). */
  #waitsForRedis = true;

  /**
   * Set by disconnect() without reconnect (quit() too): from then on the client must end. A plain
   * property, not `#closing`: ioredis's constructor calls connect() (ours) before our fields exist.
   */
  private closeAsked?: boolean;

  constructor(startupNodes: ClusterNode[], options: ClusterOptions) {
    super(startupNodes, options as ClusterOptionsWithReplyMapping<'legacy'>);
    this.seedNodes = startupNodes;
    // ioredis emits 'close' a tick after setting it, and its once('close') handleCloseEvent
    // then ends a manually closed client. A BullMQ worker's blocking connection on a cluster,
    // disconnected by Worker.close() while ready with three nodes and that listener in place,
    // was left in `close` with the listener spent and no node, never to emit 'end': BullMQ's
    // cluster recovery had called connect() meanwhile (connect() below), which started a
    // connection the close then emptied. Worker.close() waited for ever — 4 runs of 11 of the
    // BullMQ tests of tests/integration/redis-cluster.test.ts hung, 0 of 18 since. So a client
    // asked to close that is still `close` once the event has run is ended here. ioredis 6.1.0
    // ends a client whose connect() finds it `close` once its seed nodes are resolved
    // (handleAbortedConnect), which may cover this case; not shown, so this stays (it does nothing
    // to a client that has ended).
    this.on('close', () => {
      if (this.closeAsked) setImmediate(() => this.#endIfClosed());
    });
  }

  /**
   * A client that has ended and is connected again waits for Redis as before. A connect() while
   * it is still closing does not undo the close: BullMQ's cluster recovery (6.7.0 to 6.7.6,
   * RedisConnection.runWithClusterRecovery) reconnects the blocking connection when its BZPOPMIN
   * fails, and it fails because Worker.close() is disconnecting it; that Worker.close() waits for
   * the 'end' the reconnection would never bring.
   */
  override connect(): Promise<void> {
    if (this.status === 'end' || this.status === 'wait') this.closeAsked = false;
    return super.connect();
  }

  /**
   * A MOVED or ASK names its node by the address it announces. ioredis (6.0.0 and 6.1.0,
   * `sendCommand`'s moved handler) translates that through `natMap` to connect, but writes it
   * untranslated into its slot map, where no connection has that key: until the refresh the
   * MOVED asked for, the slot's commands went to a random master, each MOVED again, and some of
   * 20 sent at once after a slot moved ran out of redirections (503) on a cluster behind a NAT
   * map (GW_REDIS_NAT_MAP, redis-nat-map.ts). So the address is translated before ioredis reads it; an unlisted one
   * passes as it is. tests/integration/redis-cluster-nat-moved.test.ts.
   */
  override handleError(error: Error, ttl: { value?: unknown }, handlers: RedirectHandlers): void {
    const natMap = this.options.natMap;
    if (!natMap) {
      super.handleError(error, ttl, handlers);
      return;
    }
    const translated: RedirectHandlers = {
      ...handlers,
      moved: (slot, key) => handlers.moved(slot, translatedKey(natMap, key)),
      ask: (slot, key) => handlers.ask(slot, translatedKey(natMap, key)),
    };
    super.handleError(error, ttl, translated);
  }

  /** Ends a client asked to close that sits in `close` (ioredis's own ending, run again). */
  #endIfClosed(): void {
    if (this.status !== 'close') return;
    const internals = this as unknown as ClusterInternals;
    internals.manuallyClosing = true;
    internals.handleCloseEvent();
  }

  /**
   * For a process that stops: from now on this client, and every one duplicated from it, ends
   * rather than waits for the cluster — at once if it is not ready now, else as soon as it loses
   * the cluster — so what waits on it fails instead of outlasting the shutdown deadline. A client
   * that is ready stays so: what is in flight finishes.
   */
  stopWaitingForRedis(): void {
    if (!this.#waitsForRedis) return;
    this.#waitsForRedis = false;
    for (const ref of this.#duplicates) ref.deref()?.stopWaitingForRedis();
    endUnlessReadyFromNowOn(this);
  }

  /**
   * Closes the client at once. With no node left it is also ended at once, by ioredis when it
   * waits to reconnect, else here (before its nodes are known): the commands queued fail, 'close'
   * and 'end' are emitted, it never reconnects.
   */
  override disconnect(reconnect = false): void {
    const status = this.status;
    if (!reconnect) this.closeAsked = true;
    super.disconnect(reconnect);
    if (reconnect) return;
    // Already `close` (its 'close' event run, nothing left to end it): end it now.
    if (status === 'close') return this.#endIfClosed();
    if (CLOSED_BY_IOREDIS.has(status) || this.nodes().length > 0) return;
    // Nothing in the pool will end and close it, and ioredis does not: close it as ioredis closes
    // a client in `wait` (manually closing: status end, offline queue flushed, no reconnect).
    const internals = this as unknown as ClusterInternals;
    internals.setStatus('close');
    internals.handleCloseEvent();
  }

  /**
   * Ready: QUIT on every node, answered once each has answered what was sent before it.
   * Otherwise: disconnect(), resolved once the client has ended.
   */
  override quit(callback?: Callback<'OK'>): Promise<'OK'> {
    if (this.status === 'ready') return super.quit(callback);
    const ended =
      this.status === 'end'
        ? Promise.resolve()
        : new Promise<void>((resolve) => this.once('end', () => resolve()));
    if (this.status !== 'end') this.disconnect();
    const quitted = ended.then(() => 'OK' as const);
    if (callback) quitted.then((ok) => callback(null, ok), callback);
    return quitted;
  }

  /** A client of this class with the same nodes and options (ioredis's rules otherwise). */
  override duplicate<
    OverrideOptions extends ClusterOptionsWithReplyMapping<ReplyMappingMode> | undefined =
      undefined,
  >(
    overrideStartupNodes?: ClusterNode[],
    overrideOptions?: OverrideOptions,
  ): Cluster<ReplyMappingFromClusterOptions<'legacy', OverrideOptions>> {
    const duplicate = this.construct(
      overrideStartupNodes?.length ? overrideStartupNodes : this.seedNodes.slice(),
      {
        ...this.options,
        ...overrideOptions,
        redisOptions: { ...this.options.redisOptions, ...overrideOptions?.redisOptions },
      },
    );
    for (const ref of this.#duplicates) if (!ref.deref()) this.#duplicates.delete(ref);
    this.#duplicates.add(new WeakRef(duplicate));
    if (!this.#waitsForRedis) duplicate.stopWaitingForRedis();
    return duplicate as unknown as Cluster<
      ReplyMappingFromClusterOptions<'legacy', OverrideOptions>
    >;
  }

  /**
   * A new client of this class for duplicate(), from the nodes and options ioredis's rules give
   * it; a subclass adds what its constructor takes out of the options.
   */
  protected construct(startupNodes: ClusterNode[], options: ClusterOptions): ClosableCluster {
    return new ClosableCluster(startupNodes, options);
  }
}
