// Times as people in the alliance read them: China Standard Time (UTC+8, no daylight saving), as
// the operator console (gateway/console/console-time.ts) and the portal show them. Stored and
// signed times stay ISO 8601 in UTC; only what a person reads is converted (a case sent at 21:02
// Beijing time is 13:02 UTC).
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
