// What a dead letter's page tells the operator who must decide whether to replay it
// (gateway/console/failure-kinds.ts): the three kinds of failure the job runner records — a
// province's permanent refusal, retries given up on a province that was down, a case whose data
// key is not listed — each named in Chinese and English with what to do before a replay, in the
// list, on the page and on the replay's confirmation, with the adapter's deliveries still waiting
// to retry; and the page leads to the audit entries of that case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { submitDeadLetter } from '../../support/dead-letters.ts';
import { ConsoleClient } from '../../support/console-client.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
const ids: Record<'refused' | 'gave-up' | 'unreadable', string> = {
  refused: '',
  'gave-up': '',
  unreadable: '',
};

async function deadLetter(key: string, reason: string): Promise<string> {
  return (await submitDeadLetter(gw, 'SW-005', reason, `dl-kinds-${key}-${Date.now()}`)).id;
}

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  // The reasons as adapters/kit/job-runner.ts writes them.
  ids.refused = await deadLetter('refused', 'refused: yn RETCODE -102: 字段校验不通过');
  ids['gave-up'] = await deadLetter(
    'gave-up',
    'gave up after 3 attempts: province unreachable (ECONNREFUSED)',
  );
  ids.unreadable = await deadLetter(
    'unreadable',
    'stored submission unreadable: data key k0 is not listed',
  );
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** The data-failure-kind of the first element after `marker` that carries one. */
function kindAfter(text: string, marker: string): string | undefined {
  const at = text.indexOf(marker);
  return at === -1 ? undefined : /data-failure-kind="([a-z-]+)"/.exec(text.slice(at))?.[1];
}

describe('a dead letter explained to the operator', () => {
  it('names each failure’s kind in the list, in Chinese and English', async () => {
    const list = await dev.get('/console/dead-letters');
    expect(list.status).toBe(200);
    for (const [kind, id] of Object.entries(ids))
      expect(kindAfter(list.text, `data-case="${id}"`), kind).toBe(kind);
    expect(list.text).toContain('省级平台拒收');
    expect(list.text).toContain('重试 3 次后放弃');
    expect(list.text).toContain('办件数据无法解密');
  });

  it('names each adapter in the list’s filter by its province, as the summary does (云南省 yn)', async () => {
    const list = await dev.get('/console/dead-letters');
    expect(list.text).toMatch(/<option value="yn"\s*>\s*云南省 yn\s*<\/option>/);
    expect(list.text).toMatch(/<option value="sc-chengdu"\s*>\s*四川省 sc-chengdu\s*<\/option>/);
  });

  it('says on a refused case’s page that a replay as it stands is refused again, and names the item', async () => {
    const page = await dev.get(`/console/dead-letters/${ids.refused}`);
    expect(kindAfter(page.text, 'id="failure-advice"')).toBe('refused');
    expect(page.text).toContain('原样重放会再次被拒');
    expect(page.text).toContain('RETCODE -102');
    const item = page.text.slice(page.text.indexOf('id="dead-letter-item"'));
    expect(item.slice(0, item.indexOf('</dd>'))).toMatch(/SW-005\s+异地电子缴税/);
  });

  it('says on a given-up case’s confirmation to replay once the province is back, and how many of its deliveries still wait to retry', async () => {
    const confirm = await dev.get(`/console/dead-letters/${ids['gave-up']}/replay`);
    expect(confirm.status).toBe(200);
    expect(kindAfter(confirm.text, 'id="failure-advice"')).toBe('gave-up');
    expect(confirm.text).toContain('确认该省平台已恢复');
    expect(confirm.text).toMatch(/id="adapter-retrying"\s+data-count="0"/);
  });

  it('names the province on a refused case’s confirmation and does not ask whether it has recovered, only what the refusal asks', async () => {
    const confirm = await dev.get(`/console/dead-letters/${ids.refused}/replay`);
    expect(confirm.status).toBe(200);
    expect(kindAfter(confirm.text, 'id="failure-advice"')).toBe('refused');
    expect(confirm.text).not.toContain('已恢复');
    expect(confirm.text).toContain('对方确认可以受理后，再逐件重放');
    expect(confirm.text).toMatch(/重新送往\s*<strong\s*>云南省（yn）<\/strong\s*>/);
  });

  it('says on an unreadable case’s page to list its data key again', async () => {
    const page = await dev.get(`/console/dead-letters/${ids.unreadable}`);
    expect(kindAfter(page.text, 'id="failure-advice"')).toBe('unreadable');
    expect(page.text).toContain('GW_DATA_KEYS');
  });

  it('writes the bulk replay confirmation’s English count plainly, no parentheses inside parentheses', async () => {
    const nested = (text: string) => {
      let depth = 0;
      for (const c of text) {
        if (c === '(' && ++depth > 1) return true;
        if (c === ')') depth--;
      }
      return false;
    };
    const said = {
      'gave-up': [
        'Gave up after its attempts (a transient fault)',
        'Make sure the province has recovered first.',
      ],
      unreadable: [
        'Stored case data unreadable',
        'Make sure the data key that sealed them is listed in GW_DATA_KEYS again on every gateway and worker, restarted.',
      ],
    };
    for (const [kind, [name, check]] of Object.entries(said)) {
      const confirm = await dev.get(`/console/dead-letters/replay?adapter=yn&kind=${kind}`);
      expect(confirm.status, kind).toBe(200);
      const count = /id="bulk-count"[\s\S]*?<span class="en"\s*>([\s\S]*?)<\/span>/.exec(
        confirm.text,
      )?.[1];
      const english = count?.replace(/\s+/g, ' ').trim() ?? '';
      expect(english, kind).toBe(
        `Adapter yn has 1 dead letter of one kind: ${name}. This replays all of them. ${check}`,
      );
      expect(nested(english), kind).toBe(false);
    }
  });

  it('says on the list, per kind among its letters, what it means and what to do — a refusal: correct the case or contact the province, replay one by one once fixed — and says so on the refused line in place of a bulk replay', async () => {
    const list = await dev.get('/console/dead-letters');
    const help = list.text.slice(list.text.indexOf('id="failure-kinds-help"'));
    const said = (kind: string) =>
      new RegExp(`<dd data-failure-kind="${kind}"\\s*>([\\s\\S]*?)</dd>`).exec(help)?.[1] ?? '';
    expect(said('refused')).toContain('更正办件');
    expect(said('refused')).toContain('与该省平台联系');
    expect(said('refused')).toContain('原因消除');
    expect(said('refused')).toContain('contact the province');
    expect(said('gave-up')).toContain('确认该省平台已恢复');
    expect(said('unreadable')).toContain('GW_DATA_KEYS');
    const refusedLine = /data-kind="refused"[\s\S]*?<\/tr>/.exec(list.text)?.[0] ?? '';
    expect(refusedLine).toContain('data-refused-step="yn"');
    expect(refusedLine).toContain('原因消除后逐件重放');
    expect(refusedLine).not.toContain('data-bulk-replay');
  });

  it('asks on a bulk replay’s confirmation what fits its kind: has the province recovered only for letters that gave up', async () => {
    const unreadable = await dev.get('/console/dead-letters/replay?adapter=yn&kind=unreadable');
    const count = /id="bulk-count"[\s\S]*?<\/p>/.exec(unreadable.text)?.[0] ?? '';
    expect(count).not.toContain('已恢复');
    expect(count).not.toContain('has recovered');
    expect(count).toContain('GW_DATA_KEYS');
    const gaveUp = await dev.get('/console/dead-letters/replay?adapter=yn&kind=gave-up');
    expect(/id="bulk-count"[\s\S]*?<\/p>/.exec(gaveUp.text)?.[0]).toContain('请确认该省平台已恢复');
  });

  it('leads from the dead letter to the audit entries of that case alone, the replay named in Chinese', async () => {
    const page = await dev.get(`/console/dead-letters/${ids['gave-up']}/replay`);
    const replayed = await dev.post(`/console/dead-letters/${ids['gave-up']}/replay`, {
      _csrf: ConsoleClient.csrfOf(page.text),
    });
    expect(replayed.status).toBe(303);
    const detail = await dev.get(`/console/dead-letters/${ids['gave-up']}`);
    const href = /id="dead-letter-audit" href="([^"]+)"/.exec(detail.text)?.[1];
    expect(href).toBe(`/console/audit?target=${ids['gave-up']}`);
    const audit = await dev.get(href!);
    const rows = [...audit.text.matchAll(/<tr data-seq="\d+" data-action="([^"]+)"/g)];
    expect(rows.map((r) => r[1])).toEqual(['dead-letter.replay']);
    expect(audit.text).toContain('重放死信');
    // Other cases' entries and the sign-ins are not there.
    expect(audit.text).not.toContain('data-action="console.sign-in"');
  });
});
