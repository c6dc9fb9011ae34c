// Times as people in the alliance read them: China Standard Time (UTC+8, no daylight saving), as
// the operator console and the portal show them. Stored and signed times stay ISO 8601 in UTC;
// only what a person reads is converted (a case sent at 21:02 Beijing time is 13:02 UTC).
const OFFSET_MS = 8 * 3_600_000;

/**
 * An ISO time as China time, `2026-12-01 18:30` (with `seconds`, `2026-12-01 18:30:05`); `—` for
 * none, and the text as it is when it is not a time.
 */
export function chinaTime(iso: string | null | undefined, { seconds = false } = {}): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + OFFSET_MS)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ');
}

/** An RFC 3339 instant in UTC, as the gateway writes times into its own notes. */
const UTC_INSTANT = /\b[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z\b/g;

/**
 * A note as a person reads it: each UTC instant in it (the 督办 notes name their deadline so,
 * `the deadline 2026-11-24T15:59:59.000Z is near`) written as China time with seconds and 北京时间.
 * Stored notes keep the instant; only what is shown changes.
 */
export function chinaTimesIn(text: string): string {
  return text.replace(
    UTC_INSTANT,
    (instant) => `${chinaTime(instant, { seconds: true })} 北京时间`,
  );
}
