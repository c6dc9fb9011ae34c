// Redis behind address translation (README.md#redis-topologies): Sentinels name the master, and a
// Redis Cluster's nodes name each other (CLUSTER SLOTS, MOVED, ASK), by the addresses the servers
// announce. Inside Docker or Kubernetes those are the containers' own, which a gateway, a worker or
// the portal outside that network cannot reach: every connection would then be refused for ever.
// A NAT map (GW_REDIS_NAT_MAP, the portal's PORTAL_REDIS_NAT_MAP) lists, for each announced
// address, the address that reaches the same server from here; ioredis's `natMap` option applies
// it wherever it learns an address (the Sentinels' answers, the cluster's slot map and redirects).
// One server's URL (`redis://host:port`) is reached at the address it names: no server announces
// anything there, so a map beside it is refused at start rather than ignored, as an operator who
// set one expects it to do something.
import type { NatMap } from 'ioredis';
import { isIP } from 'node:net';
import type { RedisNode } from './redis.ts';

/** One entry: the address a server announces, and the address that reaches it from here. */
export interface RedisNatEntry {
  announced: RedisNode;
  reached: RedisNode;
}

export type RedisNatMap = readonly RedisNatEntry[];

const FORM = 'announced-host:port=reachable-host:port,…';

/** What a start refused for addresses it could not reach, with no NAT map, adds. */
export const NAT_MAP_HINT =
  "an address only reachable inside Redis's own network (Docker, Kubernetes) needs a NAT map to one reachable from here (README.md#redis-topologies)";

/** `host:port` or `[v6]:port`: the host as ioredis keys it (no brackets), or undefined. */
function address(text: string): RedisNode | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s\[\]:=,]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

/** `host:port` as ioredis writes a node's key (an IPv6 host without brackets). */
export function addressKey(node: RedisNode): string {
  return `${node.host}:${node.port}`;
}

/**
 * The entries of `text` (`announced-host:port=reachable-host:port`, comma-separated); each
 * problem names `variable` and the entry at fault. An empty text is no map.
 */
export function parseRedisNatMap(
  text: string,
  variable: string,
): { map: RedisNatMap; problems: string[] } {
  const map: RedisNatEntry[] = [];
  const problems: string[] = [];
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const [from, to, ...rest] = entry.split('=');
    const announced = from === undefined ? undefined : address(from);
    const reached = to === undefined ? undefined : address(to);
    if (!announced || !reached || rest.length > 0) {
      problems.push(`${variable}: entry "${entry}" is not ${FORM.split(',')[0]}`);
      continue;
    }
    if (map.some((e) => addressKey(e.announced) === addressKey(announced))) {
      problems.push(`${variable}: ${addressKey(announced)} is mapped twice ("${entry}")`);
      continue;
    }
    map.push({ announced, reached });
  }
  return { map, problems };
}

/**
 * What a NAT map setting beside its URL setting is refused for: a malformed entry, or a map beside
 * one server's URL (nothing is announced there: the URL's own address is the one reached).
 */
export function natMapProblems(
  text: string | undefined,
  variable: string,
  url: string | undefined,
  urlVariable: string,
): string[] {
  if (!text) return [];
  const { problems } = parseRedisNatMap(text, variable);
  if (url && !/^rediss?-(sentinel|cluster):/.test(url)) {
    problems.push(
      `${variable}: applies to addresses Redis Sentinel or a Redis Cluster announce; ${urlVariable} names one server, reached at the address it names (unset ${variable}, or name the server's reachable address in ${urlVariable})`,
    );
  }
  return problems;
}

/** ioredis's `natMap` option: an object keyed by announced `host:port`. */
export function ioredisNatMap(map: RedisNatMap): NatMap {
  return Object.fromEntries(map.map((e) => [addressKey(e.announced), { ...e.reached }]));
}

/** The address ioredis's `natMap` option translates `announced` to; undefined when unlisted. */
export function reachedThrough(
  natMap: NatMap | undefined,
  announced: RedisNode,
): RedisNode | undefined {
  const key = addressKey(announced);
  const reached = typeof natMap === 'function' ? natMap(key) : natMap?.[key];
  return reached ?? undefined;
}

/** A `host:port` key translated by ioredis's `natMap` option, or as it is when unlisted. */
export function translatedKey(natMap: NatMap | undefined, key: string): string {
  const colon = key.lastIndexOf(':');
  const reached = reachedThrough(natMap, {
    host: key.slice(0, colon),
    port: Number(key.slice(colon + 1)),
  });
  return reached ? addressKey(reached) : key;
}

/**
 * The announced address whose translation a connection to `host:port` (its socket's remote
 * address, or a cluster node's options) came through: the entry reaching exactly that, else the
 * one whose reachable host is a name and whose port is `port` (a socket has the name's address);
 * undefined when none or more than one fit.
 */
export function announcedBehind(
  natMap: NatMap | undefined,
  host: string,
  port: number,
): string | undefined {
  if (!natMap || typeof natMap === 'function') return undefined;
  const entries = Object.entries(natMap).filter(([, to]) => to.port === port);
  const exact = entries.filter(([, to]) => to.host === host);
  const fits = exact.length > 0 ? exact : entries.filter(([, to]) => isIP(to.host) === 0);
  return fits.length === 1 ? fits[0]![0] : undefined;
}

/**
 * A cluster node's `host:port`, or the address it announces with where the NAT map reached it
 * (`10.0.0.5:6379 (reached at 127.0.0.1:7001 through the NAT map)`).
 */
export function reachedLabel(natMap: NatMap | undefined, host: string, port: number): string {
  const announced = announcedBehind(natMap, host, port);
  return announced
    ? `${announced} (reached at ${host}:${port} through the NAT map)`
    : `${host}:${port}`;
}
