// The gateway's own notes and failure reasons in the console (gateway/console/gateway-notes.ts):
// an operator read them in English only — a dead letter's `gave up after 6 attempts: province
// unreachable (ECONNREFUSED)`, a timeline's `valid for SW-005 v1`, a rectification's `opened by a
// level 1 差评`. Each is shown in Chinese first, the stored English beside it in a span.en; the
// API keeps the stored text as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { close, readCase, submit } from '../../support/case-flow.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { evaluate } from '../../support/evaluation-flow.ts';

const REASON = 'gave up after 6 attempts: province unreachable (ECONNREFUSED)';
let gw: ApiGateway;
let dev: ConsoleClient;
let deadLetter = '';
let rectification = '';

/** What an operator reads first: the markup without its English spans and tags, spaces collapsed. */
const chinese = (markup: string) =>
  markup
    .replace(/<span class="en">[^<]*<\/span>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ');
/** The English spans' text, joined. */
const english = (markup: string) =>
  [...markup.matchAll(/<span class="en">([^<]*)<\/span>/g)].map((m) => m[1]).join(' | ');
/** The markup of the element with this id, up to its closing `</tag>`. */
function part(markup: string, id: string, tag: string): string {
  const from = markup.indexOf(`id="${id}"`);
  expect(from, id).toBeGreaterThan(-1);
  return markup.slice(from, markup.indexOf(`</${tag}>`, from));
}

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  deadLetter = (await submitDeadLetter(gw, 'SW-005', REASON, `notes-${Date.now()}`)).id;
  const { caseId } = await submit(gw, 'SF-009');
  await close(gw, 'province-yn', caseId, new Date().toISOString());
  const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling', comment: '态度差' });
  expect(rated.status).toBe(201);
  rectification = rated.body.rectification!.id;
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

describe('the gateway’s notes, in Chinese first', () => {
  it('words a dead letter’s reason in Chinese in the list and on its page, the English beside it', async () => {
    const list = await dev.get('/console/dead-letters');
    const row = list.text.slice(list.text.indexOf(`data-case="${deadLetter}"`));
    const reason = row.slice(0, row.indexOf('</tr>'));
    expect(chinese(reason)).toContain('重试 6 次后放弃：');
    expect(chinese(reason)).toContain('省级平台无法连接（ECONNREFUSED）');
    expect(chinese(reason)).not.toMatch(/gave up|unreachable/);
    expect(english(reason)).toContain('province unreachable (ECONNREFUSED)');

    const page = await dev.get(`/console/dead-letters/${deadLetter}`);
    const failure = part(page.text, 'failure-reason', 'dd');
    expect(chinese(failure)).toMatch(/重试 6 次后放弃：\s*省级平台无法连接（ECONNREFUSED）/);
    expect(english(failure)).toBe(
      'gave up after 6 attempts: | province unreachable (ECONNREFUSED)',
    );
  });

  it('words a case’s timeline notes the gateway wrote, and keeps the API’s text as stored', async () => {
    const page = await dev.get(`/console/cases/${deadLetter}`);
    const timeline = chinese(part(page.text, 'case-history', 'section'));
    expect(timeline).toContain('按事项 SW-005 第 1 版校验通过');
    expect(timeline).toContain('省级平台无法连接（ECONNREFUSED）');
    expect(timeline).not.toMatch(/valid for|gave up/);
    expect(english(page.text)).toContain('valid for SW-005 v1');

    const api = await readCase<{ history: { note?: string }[] }>(gw, deadLetter);
    const notes = api.history.map((h) => h.note);
    expect(notes).toContain('valid for SW-005 v1');
    expect(notes).toContain(REASON);
  });

  it('words the note that opened a rectification', async () => {
    const page = await dev.get(`/console/board/rectifications/${rectification}`);
    expect(page.status).toBe(200);
    expect(chinese(page.text)).toContain('由 1 级差评开启');
    expect(chinese(page.text)).not.toContain('opened by a level');
    expect(english(page.text)).toContain('opened by a level 1 差评');
  });
});
