// The catalogue CLI against a gateway process (README.md#operator-cli): export writes the files
// the catalogue was seeded from byte for byte; import of unchanged files drafts nothing; an import
// with a broken schema changes nothing; a real change goes through import (submitted drafts), an
// approval by another operator, and back out through export as a new version's files.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import {
  createDraftStore,
  type DraftStatus,
} from '../../../gateway/catalogue/admin/draft-store.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { plannedDrafts, readLocalFiles } from '../../../scripts/cli/catalogue-files.ts';
import { startGatewayProcess, type GatewayProcess } from '../../support/gateway-process.ts';
import { plainRedis, uniquePrefix } from '../../support/redis.ts';

const execFileAsync = promisify(execFile);
const cli = projectPath('scripts/cli.ts');
const prefix = uniquePrefix('cat-cli');
const keys = redisKeys(prefix).catalogue;
const redis = plainRedis();
let gateway: GatewayProcess;

beforeAll(async () => {
  gateway = await startGatewayProcess(prefix, {}, { readyWithinMs: 90_000 });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  redis.disconnect();
});

async function run(...args: string[]) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        GW_CLI_GATEWAY: gateway.url,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A copy of the repository's catalogue files in a directory of its own. */
function copyOfRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'swgw-catalogue-'));
  cpSync(projectPath('schemas'), join(dir, 'schemas'), { recursive: true });
  cpSync(projectPath('config/calendars'), join(dir, 'config/calendars'), { recursive: true });
  return dir;
}

// Each test runs the CLI as a child process two or three times, and the gateway compiles what it
// imports: on a loaded 2-core machine that has taken up to 20 s, the default test timeout.
describe('catalogue export and import', { timeout: 60_000 }, () => {
  it('exports the seeded catalogue byte for byte as the repository holds it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'swgw-export-'));
    const exported = await run('catalogue', 'export', '--dir', empty);
    expect(exported.code, exported.stderr).toBe(0);
    const written = readLocalFiles(empty);
    const repository = readLocalFiles(projectPath());
    expect([...written.keys()].sort()).toEqual([...repository.keys()].sort());
    for (const [path, text] of repository) expect(written.get(path), path).toBe(text);

    // Three CLI processes at once: none changes the folder or the catalogue when all is well (the
    // export writes nothing, its 0 says so), and each starts a node of its own, most of its time.
    const [again, diff, dryRun] = await Promise.all([
      run('catalogue', 'export', '--dir', empty),
      run('catalogue', 'diff', '--dir', empty),
      run('catalogue', 'import', '--dir', empty, '--dry-run'),
    ]);
    expect(again.stdout).toMatch(/, 0 written/);
    expect(diff.stdout).toMatch(/no differences/);
    expect(dryRun.stdout).toMatch(/nothing to import/);
  });

  it('imports nothing when one schema is broken, naming it and exiting 1', async () => {
    const dir = copyOfRepository();
    const schemaFile = join(dir, 'schemas/items/GA-001.schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { properties: object };
    schema.properties = { ...schema.properties, note: { type: 'strin' } };
    writeFileSync(schemaFile, JSON.stringify(schema, null, 2));
    const calendar = join(dir, 'config/calendars/2026.json');
    writeFileSync(calendar, readFileSync(calendar, 'utf8').replace('"2026-01-01", ', ''));
    const before = [await redis.get(keys.revision), await redis.zcard(keys.drafts)];

    const imported = await run('catalogue', 'import', '--dir', dir);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toMatch(/BAD GA-001/);
    expect(imported.stdout).toMatch(/^ok {2}calendar 2026$/m);
    expect(imported.stderr).toMatch(/nothing imported/);
    expect([await redis.get(keys.revision), await redis.zcard(keys.drafts)]).toEqual(before);
  });

  it('turns a changed item into a submitted draft, and exports the published version as files', async () => {
    const dir = copyOfRepository();
    const schemaFile = join(dir, 'schemas/items/GA-002.schema.json');
    const original = readFileSync(schemaFile, 'utf8');
    const schema = JSON.parse(original) as { description: string };
    schema.description = `${schema.description} (revised)`;
    writeFileSync(schemaFile, `${JSON.stringify(schema, null, 2)}\n`);

    const dry = await run('catalogue', 'import', '--dir', dir, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/1 draft\(s\) would be made/);
    const drafts = await redis.zcard(keys.drafts);

    const imported = await run('catalogue', 'import', '--dir', dir, '--note', 'describe GA-002');
    expect(imported.code, imported.stderr).toBe(0);
    expect(await redis.zcard(keys.drafts)).toBe(drafts + 1);
    const draftId = /^(\S+) {2}in-review {2}GA-002$/m.exec(imported.stdout)![1]!;
    const own = await run('catalogue', 'approve', draftId);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/GW_FOUR_EYES/);
    const approved = await run('catalogue', 'approve', draftId, '--operator', 'operator-dev-2');
    expect(approved.stdout).toMatch(/published GA-002 v2/);

    const exported = await run('catalogue', 'export', '--dir', dir);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(schemaFile, 'utf8')).toBe(original);
    const v2 = JSON.parse(readFileSync(join(dir, 'schemas/items/GA-002.v2.schema.json'), 'utf8'));
    expect(v2).toMatchObject({
      $id: 'https://swgw.example/schemas/items/GA-002.v2.schema.json',
      description: schema.description,
    });
    const [diff, shown] = await Promise.all([
      run('catalogue', 'diff', '--dir', dir),
      run('catalogue', 'show', 'GA-002', '--versions'),
    ]);
    expect(diff.stdout).toMatch(/no differences/);
    expect(shown.stdout).toMatch(/v1 {2}accepted[\s\S]*v2 {2}latest/);
  });

  it('replaces a draft from a file with update, keeping its note, so it validates and submits; another operator is refused; a draft in review is refused', async () => {
    // GA-003 is published as the repository holds it (the first test): its draft as the import
    // would make it from a copy whose schema's description is changed.
    const published = [...readLocalFiles(projectPath())].map(([path, text]) => ({ path, text }));
    const described = (description: string) => {
      const dir = copyOfRepository();
      const schemaFile = join(dir, 'schemas/items/GA-003.schema.json');
      const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { description: string };
      schema.description = description;
      writeFileSync(schemaFile, JSON.stringify(schema, null, 2));
      const [planned] = plannedDrafts(readLocalFiles(dir), published, '');
      const file = join(dir, 'GA-003.json');
      writeFileSync(file, JSON.stringify({ item: (planned!.body as { item: unknown }).item }));
      return file;
    };
    const created = await run(
      'catalogue',
      'draft',
      described('first'),
      '--item',
      'GA-003',
      '--note',
      'GA-003 note',
    );
    expect(created.code, created.stderr).toBe(0);
    const draftId = /^(\S+) {2}draft/.exec(created.stdout)![1]!;
    const store = createDraftStore(redis, keys);
    const schemaDescription = async () =>
      (JSON.parse((await store.get(draftId))!.body) as { schema: { description: string } }).schema
        .description;
    expect(await schemaDescription()).toBe('first');

    const second = described('second');
    const stranger = await run(
      'catalogue',
      'update',
      draftId,
      second,
      '--operator',
      'operator-dev-2',
    );
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/GW_DRAFT_NOT_AUTHOR/);
    expect(await schemaDescription()).toBe('first');

    const updated = await run('catalogue', 'update', draftId, second);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toMatch(
      new RegExp(`^${draftId} {2}draft {6}GA-003 {2}by operator-dev {2}GA-003 note$`, 'm'),
    );
    expect(updated.stdout).toContain(`validate it again: catalogue validate ${draftId}`);
    expect(await schemaDescription()).toBe('second');
    const validated = await run('catalogue', 'validate', draftId);
    expect(validated.code, validated.stdout).toBe(0);
    expect((await run('catalogue', 'submit', draftId)).code).toBe(0);

    const late = await run(
      'catalogue',
      'update',
      draftId,
      described('third'),
      '--note',
      'too late',
    );
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/GW_DRAFT_STATE: The draft is in-review/);
    expect(await schemaDescription()).toBe('second');
    const rejected = await run(
      'catalogue',
      'reject',
      draftId,
      '--reason',
      'not to be published',
      '--operator',
      'operator-dev-2',
    );
    expect(rejected.code, rejected.stderr).toBe(0);
  });

  it('lists every draft page after page, and a draft in review older than 250 newer ones with --status in-review', async () => {
    const store = createDraftStore(redis, keys);
    const at = (ms: number) => new Date(ms).toISOString();
    const stored = (draftId: string, ms: number, status: DraftStatus) =>
      store.create({
        draftId,
        kind: 'calendar',
        target: 'calendar-2031',
        status,
        author: 'operator-dev',
        note: '',
        baseVersion: 0,
        body: JSON.stringify({ year: 2031, source: '', holidays: [], extraWorkingDays: [] }),
        bodyDigest: 'd',
        createdAt: at(ms),
        updatedAt: at(ms),
      });
    const base = Date.UTC(2020, 0, 1);
    await stored('0CLIOLDREVIEW', base, 'in-review');
    for (let i = 0; i < 250; i++)
      await stored(`CLI${String(i).padStart(4, '0')}`, base + 1 + i, 'draft');
    const total = await redis.zcard(keys.drafts);

    const [all, inReview] = await Promise.all([
      run('catalogue', 'drafts'),
      run('catalogue', 'drafts', '--status', 'in-review'),
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toHaveLength(total);
    expect(inReview.stdout).toMatch(/^0CLIOLDREVIEW {2}in-review/m);
  });
});
