// Small numeric helpers shared by the bench phases.
import type { Redis } from 'ioredis';

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const line = info.split(/\r?\n/).find((l) => l.startsWith('used_memory:'));
  return Number(line?.slice('used_memory:'.length) ?? Number.NaN);
}

/** redis-server's CPU time so far (user + system of its main process), seconds. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) =>
    Number(
      info
        .split(/\r?\n/)
        .find((l) => l.startsWith(`${name}:`))
        ?.slice(name.length + 1) ?? 0,
    );
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Redis's calls and µs per command so far (INFO commandstats; a script's commands counted too). */
export async function redisCommandStats(
  redis: Redis,
): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of info.split(/\r?\n/)) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) stats.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return stats;
}
