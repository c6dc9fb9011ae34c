// Why a Redis Cluster client never got ready although its seed nodes answer: the cluster names its
// masters by the addresses they announce (CLUSTER SLOTS), and a client connects there, not to the
// seeds. Inside Docker or Kubernetes those are the containers' own, unreachable from a process
// outside (README.md#redis-topologies): the start's refusal names them, and whether the NAT map
// translates them, rather than say only that Redis was not reachable.
import type { Cluster, ClusterNode } from 'ioredis';
import { probeCommand } from './probe-command.ts';
import { addressKey, NAT_MAP_HINT, reachedThrough } from './redis-nat-map.ts';
import type { RedisNode } from './redis.ts';

/** CLUSTER SLOTS: [from, to, [host, port, id], …replicas] per range. */
type SlotRanges = [number, number, [string, number, ...unknown[]], ...unknown[]][];

/** CLUSTER SLOTS's masters, of one seed on a short-lived connection held to `timeoutMs`. */
async function mastersOf(cluster: Cluster, seed: ClusterNode, timeoutMs: number) {
  const { username, password, tls } = cluster.options.redisOptions ?? {};
  const [host, port] =
    typeof seed === 'object' ? [seed.host, seed.port] : [undefined, Number(seed)];
  const ranges = (await probeCommand(
    { host: host ?? '127.0.0.1', port: port ?? 6379, username, password, tls },
    timeoutMs,
    'CLUSTER',
    'SLOTS',
  )) as SlotRanges;
  const masters = ranges.map((r) => ({ host: r[2][0], port: Number(r[2][1]) }));
  return masters.filter((m, i) => masters.findIndex((o) => addressKey(o) === addressKey(m)) === i);
}

/** The masters' announced addresses, from the first seed that answers (all asked at once). */
function announcedMasters(
  cluster: Cluster,
  seeds: readonly ClusterNode[],
  timeoutMs: number,
): Promise<RedisNode[] | undefined> {
  return Promise.any(seeds.map((seed) => mastersOf(cluster, seed, timeoutMs))).catch(
    () => undefined,
  );
}

/**
 * The masters the seeds announce, each with where the NAT map sends it, and what to do when the
 * map lists none of them; undefined when no seed answers (then the seeds themselves are the cause).
 */
export async function unreachedClusterReason(
  cluster: Cluster,
  seeds: readonly ClusterNode[],
  timeoutMs: number,
): Promise<string | undefined> {
  const masters = await announcedMasters(cluster, seeds, timeoutMs);
  if (!masters || masters.length === 0) return undefined;
  const natMap = cluster.options.natMap;
  const translated = masters.map((announced) => ({
    announced,
    reached: reachedThrough(natMap, announced),
  }));
  const named = translated.map(({ announced, reached }) =>
    reached
      ? `${addressKey(announced)} (reached at ${addressKey(reached)} through the NAT map)`
      : addressKey(announced),
  );
  const unlisted = translated.filter((t) => !t.reached).length;
  const hint =
    unlisted === 0
      ? ''
      : natMap
        ? `; the NAT map lists ${unlisted === masters.length ? 'none' : 'not all'} of them`
        : `: ${NAT_MAP_HINT}`;
  return `the cluster's seed nodes answer and name its masters ${named.join(', ')}${hint}`;
}
