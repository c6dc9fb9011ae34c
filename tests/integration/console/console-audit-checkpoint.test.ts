// The audit page at production scale (gateway/console/README.md#audit-chain-at-scale): a visit verifies only
// the entries since the checkpoint (at most VISIT_LIMIT), paging and filtering verify nothing
// again, and the page says exactly what was checked. An entry altered after the checkpoint is
// named on the next visit; one altered before it only by a whole-chain verification (the page's
// button, the CLI), as the page says; a checkpoint rewritten in Redis fails its MAC and is
// reported as forged. Every assertion reads what the page reports as checked, never a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../gateway/audit/audit-chain.ts';
import { VISIT_LIMIT } from '../../../gateway/audit/audit-verification.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { runCli } from '../../support/cli-run.ts';
import { ConsoleClient } from '../../support/console-client.ts';
import { fillAuditChain, operatorAction } from '../../support/console-scale-fill.ts';

let gw: ApiGateway;
let dev: ConsoleClient;
let keys: ReturnType<typeof redisKeys>['audit'];
/** Entries before the operator signs in (whose sign-in is the next one). */
const FILLED = VISIT_LIMIT + 200;

beforeAll(async () => {
  gw = await startApiGateway({ GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000' });
  keys = redisKeys(gw.config.keyPrefix).audit;
  await fillAuditChain(gw.services.redis, redisKeys(gw.config.keyPrefix), FILLED);
  dev = await ConsoleClient.signedIn(gw.url, 'operator-dev');
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** What #chain-status (or #chain-whole) reports, from its data-* attributes. */
function reported(text: string, id = 'chain-status'): Record<string, string> {
  const start = text.indexOf(`id="${id}"`);
  expect(start, `no #${id} on the page`).toBeGreaterThan(-1);
  const tag = text.slice(text.lastIndexOf('<', start), text.indexOf('>', start));
  return Object.fromEntries(
    [...tag.matchAll(/data-([a-z-]+)="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!]),
  );
}

async function visit(
  path = '/console/audit',
): Promise<{ text: string; status: Record<string, string> }> {
  const page = await dev.get(path);
  expect(page.status).toBe(200);
  return { text: page.text, status: reported(page.text) };
}

async function entry(seq: number): Promise<string> {
  return (await gw.services.redis.hget(keys.entries, String(seq)))!;
}

/** Rewrites an entry's reason in Redis, its hashes left as they were. */
async function tamper(seq: number): Promise<string> {
  const original = await entry(seq);
  const altered = { ...(JSON.parse(original) as AuditEntry), reason: 'nothing to see here' };
  await gw.services.redis.hset(keys.entries, String(seq), JSON.stringify(altered));
  return original;
}

async function verifyWhole(): Promise<Record<string, string>> {
  const posted = await dev.post('/console/audit/verify', { _csrf: await dev.csrf() });
  expect(posted.status).toBe(303);
  expect(posted.location).toBe('/console/audit');
  return reported((await dev.get('/console/audit')).text, 'chain-whole');
}

describe('the audit page’s verification from its checkpoint', () => {
  it('verifies at most one batch a visit, from the first entry, and the rest on the next visit', async () => {
    const first = await visit();
    expect(first.status).toMatchObject({
      checkpoint: 'none',
      ok: 'true',
      from: '1',
      to: String(VISIT_LIMIT),
      checked: String(VISIT_LIMIT),
      left: String(FILLED + 1 - VISIT_LIMIT),
    });
    const second = await visit();
    expect(second.status).toMatchObject({
      checkpoint: 'trusted',
      ok: 'true',
      from: String(VISIT_LIMIT + 1),
      to: String(FILLED + 1),
      checked: String(FILLED + 1 - VISIT_LIMIT),
      left: '0',
    });
    expect(second.text).toContain(`Seqs up to ${VISIT_LIMIT} were verified by the gateway earlier`);
  });

  it('verifies nothing again when the operator pages back or filters', async () => {
    for (const path of [
      '/console/audit',
      `/console/audit?before=${FILLED - 300}`,
      '/console/audit?after=0',
      '/console/audit?actor=operator-dev-2&outcome=refused',
    ]) {
      const { status } = await visit(path);
      expect(status, path).toMatchObject({ ok: 'true', checked: '0', to: String(FILLED + 1) });
    }
  });

  it('verifies an entry appended after the checkpoint on the next visit', async () => {
    const appended = await gw.services.audit.append(operatorAction(1));
    const { status } = await visit();
    expect(status).toMatchObject({
      ok: 'true',
      from: String(appended.seq),
      to: String(appended.seq),
      checked: '1',
    });
  });

  it('names an entry altered after the checkpoint on the next visit', async () => {
    const a = await gw.services.audit.append(operatorAction(2));
    await gw.services.audit.append(operatorAction(3));
    const original = await tamper(a.seq);
    const { status } = await visit();
    expect(status).toMatchObject({ ok: 'false', 'broken-seq': String(a.seq) });
    // Still named on every visit until it is put right: the checkpoint did not move past it.
    expect((await visit('/console/audit?actor=operator-dev')).status['broken-seq']).toBe(
      String(a.seq),
    );
    await gw.services.redis.hset(keys.entries, String(a.seq), original);
    expect((await visit()).status).toMatchObject({ ok: 'true', to: String(a.seq + 1) });
  });

  it('leaves an entry altered before the checkpoint to the whole-chain verification, which the button and the CLI run', async () => {
    const original = await tamper(100);
    const visited = await visit();
    // As the page promises: a visit checks only what is new.
    expect(visited.status).toMatchObject({ ok: 'true', checked: '0' });
    expect(visited.text).toContain(
      'a change to them since is found only by verifying the whole chain',
    );
    const whole = await verifyWhole();
    expect(whole).toMatchObject({ ok: 'false', 'broken-seq': '100' });
    expect((await visit()).status.ok).toBe('false');
    const cli = await runCli(['audit', 'verify'], { GW_CLI_GATEWAY: gw.url });
    expect(cli.code, cli.stderr).toBe(2);
    expect(cli.stderr).toMatch(/^audit chain broken at seq 100: /);
    await gw.services.redis.hset(keys.entries, '100', original);
    expect(await verifyWhole()).toMatchObject({ ok: 'true', 'broken-seq': '' });
    expect((await visit()).status.ok).toBe('true');
  }, 60_000);

  it('reports a checkpoint moved in Redis as forged, verifies nothing from it, until the whole chain is verified', async () => {
    const head = await gw.services.audit.append(operatorAction(4));
    const original = await tamper(head.seq);
    // Who rewrote the entry moves the checkpoint past it, with the entry's new hash.
    await gw.services.redis.hset(keys.checkpoint, 'seq', String(head.seq), 'hash', 'f'.repeat(64));
    const { status } = await visit();
    expect(status).toMatchObject({ ok: 'false', checkpoint: 'forged', checked: '0' });
    await gw.services.redis.hset(keys.entries, String(head.seq), original);
    expect(await verifyWhole()).toMatchObject({ ok: 'true' });
    expect((await visit()).status).toMatchObject({ ok: 'true', checkpoint: 'trusted' });
  }, 60_000);

  it('verifies a chain whose oldest entries were trimmed from the first kept one, and says so', async () => {
    await gw.services.redis.hdel(
      keys.entries,
      ...Array.from({ length: 50 }, (_, i) => String(i + 1)),
    );
    const whole = await verifyWhole();
    expect(whole).toMatchObject({ ok: 'true', 'trimmed-before': '51' });
    const text = (await dev.get('/console/audit')).text;
    expect(text).toContain('the entries before seq 51 are not in Redis (trimmed after retention)');
    const cli = await runCli(['audit', 'verify'], { GW_CLI_GATEWAY: gw.url });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      /^audit chain intact: seq 51 to \d+ .*the entries before seq 51 are not in the chain \(trimmed\)/,
    );
  }, 60_000);
});
