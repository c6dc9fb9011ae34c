// The command timeout of our Redis connections (GW_REDIS_COMMAND_TIMEOUT_MS on the request path;
// gateway/README.md#command-timeout): a command fails "Command timed out" only when its reply
// really is late, not when the process itself was held up. ioredis's own `commandTimeout` arms a
// timer per command that rejects the moment it fires. After a long synchronous stretch (a loaded
// machine: the process not scheduled, a GC pause, a long turn of the event loop), Node runs the
// timers phase before the poll phase that reads the sockets, so that timer rejected commands whose
// replies were already waiting in the socket: 434 spurious 503s in a soak at load 12. Here the
// timer, when it fires, only schedules the decision for the check phase (setImmediate), which runs
// after the poll phase of the same turn: a reply that arrived meanwhile has been read and the
// command resolved by then.
//
// The connections are our own subclasses rather than patched ioredis objects: ioredis never sees a
// `commandTimeout` (its timer would still reject first), the connection keeps it and arms its own
// timer per command in sendCommand. A Cluster arms it at its own sendCommand, once per command for
// all its redirections, since ioredis makes each node's connection itself, as a plain Redis.
import {
  Command,
  type Cluster,
  type ClusterNode,
  type ClusterOptions,
  type Redis,
  type RedisOptions,
} from 'ioredis';
import { ClosableCluster } from './closable-cluster.ts';
import { ClosableRedis, type LegacyRedisOptions } from './closable-redis.ts';
// ioredis's own duplicate() signature, which ours keeps (its answer types follow `replyMapping`).
import type { ReplyMappingFromOptions } from 'ioredis/built/types.js';

/** What a command whose reply is late fails with (isRedisUnavailable: 503), ioredis's words. */
export const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * Fails `command` with COMMAND_TIMED_OUT if it is still unanswered `timeoutMs` from now and after
 * the poll phase that follows. The timer is cleared when the command settles, so a command answered
 * in time is not held for the rest of its timeout (it would outlive young-generation GCs,
 * gateway/README.md#garbage-collection).
 *
 * ioredis sends a command again through sendCommand when it leaves an offline queue, and a
 * Cluster on each redirection: it is armed again then, and its first timer, from the first send
 * as ioredis's own was, still decides first; the later ones find it settled or are cleared with
 * it. A WeakSet of the commands already armed, which kept that to one timer, cost about 0.9 µs on
 * every command for those rare paths (in process on the loaded bench machine, arming a command
 * took 1.14 µs with it and 0.22 without; a submission sends four on this connection).
 */
export function armCommandTimeout(command: Command, timeoutMs: number): void {
  const timer = setTimeout(decideAfterPoll, timeoutMs, command);
  const clear = () => clearTimeout(timer);
  command.promise.then(clear, clear);
}

function decideAfterPoll(command: Command): void {
  if (!command.isSettled) setImmediate(rejectIfUnanswered, command);
}

function rejectIfUnanswered(command: Command): void {
  if (!command.isSettled) command.reject(new Error(COMMAND_TIMED_OUT));
}

type SendCommand = Redis['sendCommand'];

/**
 * One Redis, its commands held to `commandTimeout` as above (none: no timer at all); closable
 * whatever its state (closable-redis.ts).
 */
export class TimedRedis extends ClosableRedis {
  /** The command timeout in ms, kept out of ioredis's options; undefined: none. */
  readonly commandTimeoutMs: number | undefined;

  /** `url` undefined: the options name the server (a duplicate's). */
  constructor(url: string | undefined, options: LegacyRedisOptions) {
    const { commandTimeout, ...rest } = options;
    super(url, rest);
    this.commandTimeoutMs = commandTimeout;
  }

  override sendCommand(...[command, stream]: Parameters<SendCommand>): ReturnType<SendCommand> {
    if (this.commandTimeoutMs !== undefined) this.timeCommand(command, this.commandTimeoutMs);
    return super.sendCommand(command, stream);
  }

  /** Starts the command's timeout: when it is sent (BatchedRedis: when its batch leaves). */
  protected timeCommand(command: Command, timeoutMs: number): void {
    armCommandTimeout(command, timeoutMs);
  }

  /** A plain (unbatched) connection of this class with the same options and timeout. */
  override duplicate<Override extends Partial<RedisOptions> | undefined = undefined>(
    override?: Override,
  ): Redis<ReplyMappingFromOptions<'legacy', Override>> {
    const duplicate = this.adopt(
      new TimedRedis(undefined, {
        ...this.options,
        commandTimeout: this.commandTimeoutMs,
        ...override,
      } as LegacyRedisOptions),
    );
    return duplicate as unknown as Redis<ReplyMappingFromOptions<'legacy', Override>>;
  }
}

type ClusterSendCommand = Cluster['sendCommand'];

/**
 * A Redis Cluster whose commands are held to `redisOptions.commandTimeout` as above; closable
 * whatever its state (closable-cluster.ts).
 */
export class TimedCluster extends ClosableCluster {
  readonly commandTimeoutMs: number | undefined;

  constructor(startupNodes: ClusterNode[], options: ClusterOptions) {
    const { commandTimeout, ...redisOptions } = options.redisOptions ?? {};
    super(startupNodes, { ...options, redisOptions });
    this.commandTimeoutMs = commandTimeout;
  }

  override sendCommand(
    ...[command, stream, node]: Parameters<ClusterSendCommand>
  ): ReturnType<ClusterSendCommand> {
    if (this.commandTimeoutMs !== undefined) armCommandTimeout(command, this.commandTimeoutMs);
    return super.sendCommand(command, stream, node);
  }

  /** Duplicates keep the timeout, unless their own `redisOptions` set another (ioredis's rules). */
  protected override construct(startupNodes: ClusterNode[], options: ClusterOptions): TimedCluster {
    return new TimedCluster(startupNodes, {
      ...options,
      redisOptions: { commandTimeout: this.commandTimeoutMs, ...options.redisOptions },
    });
  }
}

/**
 * Sends a command to one node of a cluster (from TimedCluster#nodes, connections ioredis makes as
 * plain Redis, with no timeout of their own), held to the cluster's `timeoutMs`; to one TimedRedis,
 * held to its own. Strings come back as strings, as from `node.info()`.
 */
export function sendToNode(
  node: Redis,
  timeoutMs: number | undefined,
  name: string,
  ...args: (string | number)[]
): Promise<unknown> {
  const command = new Command(name, args, { replyEncoding: 'utf8' });
  if (timeoutMs !== undefined && !(node instanceof TimedRedis)) {
    armCommandTimeout(command, timeoutMs);
  }
  return node.sendCommand(command) as Promise<unknown>;
}
