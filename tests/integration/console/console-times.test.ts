// Every instant the console shows is shown one way (gateway/console/console-time.ts): China time
// as `2026-10-30 10:00`, in a <time> element keeping the UTC instant, the zone said once under
// the page's title — where pages used to write "(UTC+8)" after each time (the audit chain's
// status), 北京时间 after each (the 督办 notes), once in a sentence (the notices) or nothing.
// A gateway whose supervisor raised real flags (an injected clock), a dead letter, a draft and
// audit entries: each page that shows a time is read as a person would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaTime } from '../../../gateway/shared/china-time.ts';
import { superviseOnce } from '../../../gateway/supervision/supervision.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { evaluate } from '../../support/evaluation-flow.ts';
import { supervisorOf } from '../../support/supervision.ts';
import { testClock } from '../../support/test-clock.ts';

const clock = testClock('2026-09-07T02:00:00Z');
let gw: ApiGateway;
let dev: ConsoleClient;
const ids = { lateCase: '', rectification: '', deadLetter: '', draft: '' };

beforeAll(async () => {
  gw = await startApiGateway(
    { GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' },
    { now: clock.now, liveCatalogue: true },
  );
  ids.lateCase = (await submit(gw, 'SF-009')).caseId;
  const rated = (await submit(gw, 'SF-009')).caseId;
  await close(gw, 'province-yn', rated, clock.now().toISOString());
  const evaluation = await evaluate(gw, rated, { level: 1, rated: 'handling' });
  expect(evaluation.status).toBe(201);
  ids.rectification = evaluation.body.rectification!.id;
  // By 10/30 both are warned, overdue and escalated: notices, and notes naming their deadlines.
  clock.set('2026-10-30T02:00:00Z');
  await superviseOnce(supervisorOf(gw), clock.ms());
  ids.deadLetter = (
    await submitDeadLetter(gw, 'SW-005', 'refused: yn RETCODE -102', `times-${Date.now()}`)
  ).id;
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
  const created = await dev.post('/console/catalogue/drafts', {
    _csrf: await dev.csrf(),
    itemCode: 'SW-005',
  });
  expect(created.status).toBe(303);
  ids.draft = /\/drafts\/([0-9A-Za-z]+)$/.exec(created.location ?? '')![1]!;
}, 90_000);
afterAll(async () => {
  await gw?.close();
});

/** What a person reads: tags out (attributes with them), entities back, spaces collapsed. */
const read = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ');

/** The page's <main>, without the one note saying the zone. */
function mainOf(page: string): { main: string; zoneNotes: string[] } {
  // From the element's start tag (it has attributes: the skip link's target, layout.ts).
  const main = page.slice(page.indexOf('<main'), page.indexOf('</main>'));
  const zone = /<p class="muted" id="time-zone">[\s\S]*?<\/p>/g;
  return { main: main.replace(zone, ''), zoneNotes: (main.match(zone) ?? []).map(read) };
}

const pages = () => [
  `/console/cases/${ids.lateCase}`,
  '/console/board/list?kind=case&state=overdue',
  '/console/board/rectifications',
  `/console/board/rectifications/${ids.rectification}`,
  '/console/board/notices',
  '/console/dead-letters',
  `/console/dead-letters/${ids.deadLetter}`,
  '/console/audit',
  '/console/catalogue/drafts',
  `/console/catalogue/drafts/${ids.draft}`,
];

describe('times in the console', () => {
  it('says the zone once on each page showing a time, under its title, and nowhere else on it', async () => {
    for (const path of pages()) {
      const page = await dev.get(path);
      expect(page.status, path).toBe(200);
      const { main, zoneNotes } = mainOf(page.text);
      expect(
        zoneNotes.map((n) => n.trim()),
        path,
      ).toEqual(['时间均为北京时间（UTC+8） Times are China time (UTC+8)']);
      expect(read(main), path).not.toMatch(/UTC\+8|北京时间|China time|\bUTC\b/);
    }
  });

  it('shows every time as China time in one format, 2026-10-30 10:00, keeping the instant', async () => {
    for (const path of pages()) {
      const { main } = mainOf((await dev.get(path)).text);
      const times = [...main.matchAll(/<time datetime="([^"]+)">([\s\S]*?)<\/time>/g)];
      expect(times.length, path).toBeGreaterThan(0);
      for (const [, instant, shown] of times) {
        expect(read(shown!).trim(), path).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
        expect(read(shown!).trim(), path).toBe(chinaTime(instant));
      }
      // No time written any other way: none left once the <time> elements are out.
      const rest = read(main.replace(/<time [\s\S]*?<\/time>/g, ''));
      expect(rest, path).not.toMatch(/\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/);
    }
  });

  it('shows the 督办 notes’ deadlines as the page’s other times, the stored note keeping its UTC instant', async () => {
    const { main } = mainOf((await dev.get(`/console/cases/${ids.lateCase}`)).text);
    expect(read(main)).toMatch(/the deadline \d{4}-\d{2}-\d{2} \d{2}:\d{2} is near/);
    const history = await gw.services.store.history(ids.lateCase);
    expect(history.map((h) => h.note ?? '').join(' ')).toMatch(
      /the deadline \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z is near/,
    );
  });

  it('says no zone on a page without a time', async () => {
    const { zoneNotes } = mainOf((await dev.get('/console/catalogue')).text);
    expect(zoneNotes).toEqual([]);
  });
});
