// How long Redis keeps what the gateway no longer needs (gateway/README.md#retention), in one
// place: closed cases and what hangs off them (GW_CASE_RETENTION_DAYS, days that may be a
// fraction, so a soak or a test can watch records expire), and finished BullMQ jobs
// (GW_JOB_RETENTION_SECONDS, GW_JOB_RETENTION_COUNT per queue).
import type { Config } from '../../config/load-config.ts';

/** Seconds for an EXPIRE of `days` (0 = keep for ever); never a fraction, never 0 for days > 0. */
export function retentionSeconds(days: number): number {
  return days <= 0 ? 0 : Math.max(1, Math.ceil(days * 86_400));
}

export type JobRetentionSettings = Pick<Config, 'jobRetentionSeconds' | 'jobRetentionCount'>;

/** A queue's options that bound its event stream (BullMQ trims it approximately, on every add). */
export function queueStreamRetention(settings: JobRetentionSettings): {
  streams: { events: { maxLen: number } };
} {
  return { streams: { events: { maxLen: settings.jobRetentionCount } } };
}

/**
 * BullMQ's removeOnComplete for a queue's finished jobs, no older than `capSeconds` if given.
 * BullMQ trims a queue when another of its jobs finishes: at most `count` stay once the queue
 * goes quiet.
 */
export function completedJobRetention(
  settings: JobRetentionSettings,
  capSeconds = Number.POSITIVE_INFINITY,
): { age: number; count: number } {
  return {
    age: Math.min(settings.jobRetentionSeconds, capSeconds),
    count: settings.jobRetentionCount,
  };
}
