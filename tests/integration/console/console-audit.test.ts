// The console's audit page (gateway/console/README.md#pages) opens on the newest entries, what an
// operator looks for after months of entries, and pages to older ones, filters included; the
// forward reading from the first entry is still there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { ConsoleClient } from '../../support/console-client.ts';

let gw: ApiGateway;
let dev: ConsoleClient;

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  // 250 entries before the operator signs in: 2½ pages of the console's 100.
  for (let i = 1; i <= 250; i += 1)
    await gw.services.audit.append({
      actor: i % 2 ? 'operator-dev' : 'operator-dev-2',
      action: 'dead-letter.replay',
      target: `case-${i}`,
      outcome: 'ok',
      requestId: `req-${i}`,
    });
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

const seqs = (text: string) => [...text.matchAll(/<tr data-seq="(\d+)"/g)].map((m) => Number(m[1]));
const href = (text: string, id: string) =>
  /id="([a-z-]+)" href="([^"]+)"/g
    .exec(text.slice(text.indexOf(`id="${id}"`)))?.[2]
    ?.replaceAll('&amp;', '&');

describe('the console’s audit page', () => {
  it('opens on the newest entries, newest first, the operator’s own sign-in at the top', async () => {
    const page = await dev.get('/console/audit');
    expect(page.status).toBe(200);
    const shown = seqs(page.text);
    expect(shown).toHaveLength(100);
    expect(shown[0]).toBe(251);
    expect(page.text).toMatch(/<tr data-seq="251" data-action="console.sign-in"/);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
  });

  it('pages to older entries down to the first, keeping the filter, and links the forward reading from the first entry', async () => {
    const first = await dev.get('/console/audit?actor=operator-dev-2');
    expect(seqs(first.text)).toEqual(Array.from({ length: 100 }, (_, i) => 250 - 2 * i));
    const older = await dev.get(href(first.text, 'audit-older')!);
    expect(seqs(older.text)).toEqual(Array.from({ length: 25 }, (_, i) => 50 - 2 * i));
    expect(older.text).not.toContain('id="audit-older"');
    // The forward reading from the first entry, linked from the newest page.
    const page = await dev.get(href(first.text, 'audit-first')!);
    expect(seqs(page.text).slice(0, 3)).toEqual([2, 4, 6]);
    expect(href(page.text, 'audit-next')).toContain('after=200');
  });
});
