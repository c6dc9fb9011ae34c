// How the console shows an instant (gateway/console/console-time.ts): one format in China time,
// the instant kept in the element, nothing invented for a missing or unreadable time.
import { describe, expect, it } from 'vitest';
import { shownTime, showsTimes, timesIn } from '../../../gateway/console/console-time.ts';

describe('shownTime', () => {
  it('shows a UTC instant as China time to the minute, keeping the instant in datetime', () => {
    expect(shownTime('2026-11-24T15:59:59.000Z').toString()).toBe(
      '<time datetime="2026-11-24T15:59:59.000Z"><span class="day">2026-11-24</span> 23:59</time>',
    );
  });

  it('shows epoch milliseconds the same way as their ISO text', () => {
    const ms = Date.parse('2026-12-31T16:30:00Z');
    expect(shownTime(ms).toString()).toBe(shownTime('2026-12-31T16:30:00.000Z').toString());
    expect(shownTime(ms).toString()).toContain('<span class="day">2027-01-01</span> 00:30');
  });

  it('shows — for no time and escapes text that is not one, as no <time>', () => {
    expect(shownTime(undefined).toString()).toBe('—');
    expect(shownTime('').toString()).toBe('—');
    expect(shownTime('<b>soon</b>').toString()).toBe('&lt;b&gt;soon&lt;/b&gt;');
    expect(showsTimes(shownTime('<b>soon</b>').toString())).toBe(false);
  });
});

describe('timesIn', () => {
  it('shows each UTC instant of a note as a time and escapes the rest', () => {
    expect(timesIn('督办预警: the deadline 2026-11-24T15:59:59.000Z is near <x>').toString()).toBe(
      '督办预警: the deadline <time datetime="2026-11-24T15:59:59.000Z"><span class="day">2026-11-24</span> 23:59</time> is near &lt;x&gt;',
    );
  });
});
