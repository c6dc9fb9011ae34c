// How the console shows an instant (gateway/console/README.md#times), the one place that decides
// it: China time (UTC+8, gateway/shared/china-time.ts) in one format, `2026-12-01 18:30`, in a
// <time> element whose `datetime` keeps the exact instant in UTC for scripts and tests. The zone
// is said once per page, under its title, by the layout (timeZoneNote), on every page showing a
// time — not after each time: pages wrote "(UTC+8)", 北京时间 or nothing, each its own way.
import { chinaTime } from '../shared/china-time.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * An instant (ISO text, or epoch milliseconds) as the console shows it; `—` for none, and text
 * that is not a time as it is. The date never breaks inside (a narrow column puts the hour under
 * it, not half the date).
 */
export function shownTime(at: string | number | null | undefined): SafeHtml {
  if (at === undefined || at === null || at === '') return html`—`;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return html`${String(at)}`;
  const iso = new Date(ms).toISOString();
  const [day, clock] = chinaTime(iso).split(' ');
  return html`<time datetime="${iso}"><span class="day">${day}</span> ${clock}</time>`;
}

/** An RFC 3339 instant in UTC, as the gateway writes times into its own notes. */
const UTC_INSTANT = /\b[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z\b/g;

/**
 * A note as a person reads it: each UTC instant in it (the 督办 notes name their deadline so,
 * `the deadline 2026-11-24T15:59:59.000Z is near`) shown as every other time on the page. Stored
 * notes keep the instant; only what is shown changes.
 */
export function timesIn(text: string): SafeHtml {
  const parts: (string | SafeHtml)[] = [];
  let from = 0;
  for (const match of text.matchAll(UTC_INSTANT)) {
    parts.push(text.slice(from, match.index), shownTime(match[0]));
    from = match.index + match[0].length;
  }
  parts.push(text.slice(from));
  return html`${parts}`;
}

/** The page shows a time (the layout then says the zone once). */
export function showsTimes(markup: string): boolean {
  return markup.includes('<time ');
}

/** The zone, said once, under the title of a page that shows times. */
export function timeZoneNote(): SafeHtml {
  return html`<p class="muted" id="time-zone">
    时间均为北京时间（UTC+8） <span class="en">Times are China time (UTC+8)</span>
  </p>`;
}
