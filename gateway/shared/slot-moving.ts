// A Redis Cluster refusing a command because the command's slot is being moved between nodes
// (gateway/README.md#redis-cluster): while a resharding has the slot's keys on two nodes, a script
// over keys on both is answered TRYAGAIN, a node that holds none of them ASK or MOVED, and ioredis
// follows these only up to `maxRedirections` (a worker's: 16, about 1.6 s with
// `retryDelayOnTryAgain`; the HTTP path's: within half its command timeout, httpClusterRetries in
// redis.ts), then rejects with "Too many Cluster redirections. Last error: ReplyError: TRYAGAIN …"
// (or the ASK or MOVED it met last). CLUSTERDOWN is a slot no master serves for the moment (a
// fail-over; the HTTP path gets it as the node's reply, the workers after ioredis's retries). None
// of these says anything about the data or a province: the same command succeeds once the slot has
// settled. A node that cannot be reached ("Last error: Error: Connection is closed.") is not one.
import { ReplyError } from 'ioredis';

const REFUSAL = /^(?:TRYAGAIN|ASK|MOVED|CLUSTERDOWN)\b/;
const GAVE_UP = 'Too many Cluster redirections. Last error: ReplyError: ';

/** Whether `error` is Redis Cluster's "this slot is moving, try again later". */
export function isSlotMoving(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message.startsWith(GAVE_UP)) return REFUSAL.test(error.message.slice(GAVE_UP.length));
  return error instanceof ReplyError && REFUSAL.test(error.message);
}
