// A connection to one Redis whose commands, issued in one turn of the event loop, leave in one
// socket write (gateway/README.md#round-trips): the gateway's nonce, rate-limit and idempotency
// look-ups of a request and those of the requests beside it; a worker's case reads and recorded
// moves of the deliveries running side by side. A write per command was once the largest single
// CPU cost of a submission, in the gateway and in Redis.
//
// The socket is corked at the first command of a turn and uncorked from setImmediate, which is
// when ioredis's auto-pipelining would flush. Auto-pipelining is not used because each of its
// flushes builds an ioredis Pipeline, whose constructor defines its `length` with
// Object.defineProperty: V8 allocates that accessor pair in old space, so every Pipeline, its
// commands, their arguments (sealed envelopes, case fields) and their answers outlived every
// young-generation GC and were promoted — about 9 % of all the gateway allocated under load,
// against 1 % without (gateway/README.md#garbage-collection). A corked socket batches the same
// writes with no object per batch.
//
// A command's timeout (command-timeout.ts) starts when its batch leaves, not when it was issued: a
// long turn (a loaded machine) would otherwise spend the timeout of the turn's first commands
// before they were even sent, and their replies could not be back by the poll phase after it.
import type { Command, Redis, RedisOptions } from 'ioredis';
import { armCommandTimeout, TimedRedis } from './command-timeout.ts';

type SendCommand = Redis['sendCommand'];

export class BatchedRedis extends TimedRedis {
  /** The socket corked for this turn of the event loop, if any. */
  #corked: Redis['stream'] | undefined;
  /** The commands written into the corked socket this turn, whose timeouts start at the uncork. */
  readonly #untimed: Command[] = [];

  /** `url` undefined: the options name the server (a master found through its Sentinels). */
  constructor(url: string | undefined, options: RedisOptions) {
    // Answers shaped as every other connection of ours gets them (ioredis's default mapping).
    super(url, { ...options, replyMapping: 'legacy' });
  }

  override sendCommand(...[command, stream]: Parameters<SendCommand>): ReturnType<SendCommand> {
    // A command with a stream of its own is a pipeline's (or a transaction's): it writes itself.
    if (!stream) this.#corkUntilNextTurn();
    return super.sendCommand(command, stream);
  }

  protected override timeCommand(command: Command, timeoutMs: number): void {
    if (this.#corked) this.#untimed.push(command);
    else armCommandTimeout(command, timeoutMs);
  }

  #corkUntilNextTurn(): void {
    const socket = this.stream as Redis['stream'] | undefined;
    if (this.#corked || !socket?.writable) return;
    socket.cork();
    this.#corked = socket;
    setImmediate(() => {
      this.#corked = undefined;
      // The socket corked, even if a reconnect has replaced it since: uncorking a closed one is
      // harmless, and ending a socket (quit, disconnect) flushes a corked one first.
      socket.uncork();
      const timeoutMs = this.commandTimeoutMs;
      if (timeoutMs !== undefined)
        for (const command of this.#untimed) armCommandTimeout(command, timeoutMs);
      this.#untimed.length = 0;
    });
  }
}
