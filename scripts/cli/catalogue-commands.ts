// `catalogue list | show | diff | draft | update | validate | submit | approve | reject | export |
// import`
// (README.md#operator-cli): the catalogue administration API from a terminal. export writes the
// published catalogue as the repository's files (byte for byte the same when nothing changed, so
// catalogue changes are reviewed as diffs); import turns local changes to those files into drafts,
// after checking every one of them, so a broken file changes nothing; --dry-run only shows what
// would be drafted. Both show a progress bar on a terminal.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { ExportedCatalogue } from '../../gateway/catalogue/admin/catalogue-export.ts';
import type {
  DraftView,
  PublishedView,
  ValidationView,
  VersionView,
} from '../../gateway/catalogue/admin/catalogue-admin.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { CommandFailure } from '../command-failure.ts';
import { fileChanges, plannedDrafts, readLocalFiles } from './catalogue-files.ts';
import type { ConnectOperator, OperatorApi } from './operator-api.ts';

const DRAFTS = '/v1/admin/catalogue/drafts';

/** A progress bar on stderr when it is a terminal; nothing otherwise (pipes, tests). */
function progress(total: number, what: string) {
  if (!process.stderr.isTTY) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${what} [{bar}] {value}/{total} {label}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return { tick: (label: string) => bar.increment(1, { label }), stop: () => bar.stop() };
}

function printProblems(label: string, validation: ValidationView): void {
  for (const p of validation.problems) console.log(`  ${label} ${p.path || '/'}: ${p.message}`);
}

function printValidation(validation: ValidationView): void {
  console.log(validation.ok ? 'ok' : `${validation.problems.length} problem(s)`);
  printProblems('', validation);
  const { breaking, changes } = validation.compatibility;
  console.log(
    `compatibility: ${breaking ? 'BREAKING' : 'compatible'} (${changes.length} change(s))`,
  );
  for (const c of changes as { path: string; rule: string; breaking: boolean; detail: string }[])
    console.log(`  ${c.breaking ? '!' : ' '} ${c.path} ${c.rule}: ${c.detail}`);
}

function draftLine(d: DraftView): string {
  const subject = d.itemCode ?? `calendar ${d.year}`;
  return `${d.draftId}  ${d.status.padEnd(9)}  ${subject}  by ${d.author}  ${d.note}`;
}

async function exportCatalogue(api: OperatorApi): Promise<ExportedCatalogue> {
  return api.get<ExportedCatalogue>('/v1/admin/catalogue/export');
}

/** A refusal of a check (422 GW_DRAFT_INVALID…) as a validation, so import reports it with the rest. */
async function check(api: OperatorApi, body: unknown): Promise<ValidationView> {
  const res = await api.request<ValidationView & { code?: string; detail?: string; errors?: [] }>(
    'POST',
    '/v1/admin/catalogue/checks',
    { json: body },
  );
  if (res.status === 200) return res.body;
  const problems = res.body.errors ?? [
    { path: '', message: `${res.body.code ?? res.status}: ${res.body.detail ?? ''}` },
  ];
  return { ok: false, problems, compatibility: { breaking: false, changes: [] } } as ValidationView;
}

const FILE_ARGUMENT = '{ item } or the item (metadata, schema, examples); a calendar year';

function readDraftFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CommandFailure(`${file}: ${(error as Error).message}`);
  }
}

/** A draft's body from its file, for a creation or a replacement of its content. */
function draftBody(
  content: Record<string, unknown>,
  subject: { kind: 'calendar' } | { kind: 'item'; itemCode: string | undefined },
  options: { base?: string; note?: string },
) {
  const note = options.note === undefined ? {} : { note: options.note };
  if (subject.kind === 'calendar') return { kind: 'calendar', calendar: content, ...note };
  return {
    itemCode: subject.itemCode,
    item: 'item' in content ? content.item : content,
    ...note,
    ...(options.base ? { baseVersion: Number(options.base) } : {}),
  };
}

export function addCatalogueCommands(program: Command, connect: ConnectOperator): void {
  const group = program
    .command('catalogue')
    .description('the published catalogue: drafts, four-eyes approval, export and import');

  group
    .command('list')
    .description('the published items (latest versions) and the catalogue revision')
    .option('--department <code>', 'only this department')
    .option('--json', 'print JSON')
    .action(async (options: { department?: string; json?: boolean }, command: Command) => {
      const list = await connect(command).get<{
        revision: number;
        items: { code: string; version: number; name: string; disabledNotice?: string }[];
      }>('/v1/catalogue/items', { department: options.department });
      if (options.json) return console.log(JSON.stringify(list, null, 2));
      console.log(`revision ${list.revision}, ${list.items.length} item(s)`);
      for (const i of list.items)
        console.log(`${i.code}  v${i.version}  ${i.name}${i.disabledNotice ? '  (停用)' : ''}`);
    });

  group
    .command('show')
    .description('an item: its latest version, or its versions with --versions')
    .argument('<code>')
    .option('--versions', 'every published version, its status and sunset')
    .action(async (code: string, options: { versions?: boolean }, command: Command) => {
      const api = connect(command);
      if (options.versions) {
        const { versions } = await api.get<{ versions: VersionView[] }>(
          `/v1/admin/catalogue/items/${encodeURIComponent(code)}/versions`,
        );
        for (const v of versions)
          console.log(
            `v${v.version}  ${v.status.padEnd(8)}  ${v.publishedAt ?? 'seed'}  ${v.publishedBy ?? ''}${v.sunsetAt ? `  sunset ${v.sunsetAt}` : ''}`,
          );
        return;
      }
      console.log(
        JSON.stringify(await api.get(`/v1/catalogue/items/${encodeURIComponent(code)}`), null, 2),
      );
    });

  group
    .command('diff')
    .description('local files (schemas/, config/calendars/) against the published catalogue')
    .option('--dir <root>', 'repository root holding the files', projectPath())
    .action(async (options: { dir: string }, command: Command) => {
      const published = await exportCatalogue(connect(command));
      const changes = fileChanges(readLocalFiles(options.dir), published.files);
      if (changes.length === 0) console.log(`no differences (revision ${published.revision})`);
      const mark = { added: 'A', changed: 'M', removed: 'D' } as const;
      for (const c of changes) console.log(`${mark[c.change]} ${c.path}`);
    });

  group
    .command('drafts')
    .description('list drafts, newest first')
    .option('--status <status>', 'draft, in-review, approved or rejected')
    .action(async (options: { status?: string }, command: Command) => {
      // Page after page (the list is paged, DESIGN §3.10), printed as each page comes.
      const gateway = connect(command);
      let cursor: string | undefined;
      let printed = 0;
      do {
        const page: { items: DraftView[]; nextCursor: string | null } = await gateway.get(DRAFTS, {
          status: options.status,
          limit: '200',
          cursor,
        });
        for (const d of page.items) console.log(draftLine(d));
        printed += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (printed === 0) console.log('no drafts');
    });

  group
    .command('draft')
    .description('create a draft from a JSON file: an item document, or with --calendar a year')
    .argument('<file>', FILE_ARGUMENT)
    .option('--item <code>', 'the item code (an unknown code of a known department: a new item)')
    .option('--calendar', 'the file is a working-day calendar year')
    .option('--base <version>', 'the published version it changes (default: the latest)')
    .option('--note <text>', 'why', '')
    .action(
      async (
        file: string,
        options: { item?: string; calendar?: boolean; base?: string; note: string },
        command: Command,
      ) => {
        if (!options.calendar && !options.item)
          throw new CommandFailure('name the item with --item <code>, or pass --calendar');
        const subject = options.calendar
          ? ({ kind: 'calendar' } as const)
          : ({ kind: 'item', itemCode: options.item } as const);
        const body = draftBody(readDraftFile(file), subject, options);
        const draft = await connect(command).post<DraftView>(DRAFTS, body);
        console.log(draftLine(draft));
      },
    );

  group
    .command('update')
    .description("replace a draft's content from a JSON file (its author, while it is a draft)")
    .argument('<draftId>')
    .argument('<file>', FILE_ARGUMENT)
    .option('--base <version>', 'the published version it changes (default: the latest)')
    .option('--note <text>', "why (default: the draft's note)")
    .action(
      async (
        draftId: string,
        file: string,
        options: { base?: string; note?: string },
        command: Command,
      ) => {
        const content = readDraftFile(file);
        const api = connect(command);
        const path = `${DRAFTS}/${encodeURIComponent(draftId)}`;
        // The draft as read names its subject, and its ETag makes the save one on that reading:
        // a save in the console in between is refused (412), not silently replaced.
        const { body: current, etag } = await api.getTagged<DraftView>(path);
        const subject =
          current.kind === 'calendar'
            ? ({ kind: 'calendar' } as const)
            : ({ kind: 'item', itemCode: current.itemCode } as const);
        const draft = await api.put<DraftView>(
          path,
          draftBody(content, subject, options),
          etag ? { 'If-Match': etag } : undefined,
        );
        console.log(draftLine(draft));
        console.log(`validate it again: catalogue validate ${draft.draftId}`);
      },
    );

  group
    .command('validate')
    .description('validate a draft: strict compile, every example, compatibility')
    .argument('<draftId>')
    .action(async (draftId: string, _options: unknown, command: Command) => {
      const validation = await connect(command).post<ValidationView>(
        `${DRAFTS}/${encodeURIComponent(draftId)}/validate`,
      );
      printValidation(validation);
      if (!validation.ok) process.exitCode = 1;
    });

  for (const [name, description] of [
    ['submit', 'send a validated draft for review (its author)'],
    ['approve', 'publish a draft in review (another operator with catalogue:approve)'],
  ] as const)
    group
      .command(name)
      .description(description)
      .argument('<draftId>')
      .action(async (draftId: string, _options: unknown, command: Command) => {
        const result = await connect(command).post<DraftView | PublishedView>(
          `${DRAFTS}/${encodeURIComponent(draftId)}/${name}`,
        );
        if ('status' in result) console.log(draftLine(result));
        else
          console.log(
            `published ${result.itemCode ? `${result.itemCode} v${result.version}` : `calendar ${result.year}`} (revision ${result.revision})`,
          );
      });

  group
    .command('reject')
    .description('send a draft in review back with a reason')
    .argument('<draftId>')
    .requiredOption('--reason <text>', 'why')
    .action(async (draftId: string, options: { reason: string }, command: Command) => {
      const draft = await connect(command).post<DraftView>(
        `${DRAFTS}/${encodeURIComponent(draftId)}/reject`,
        { reason: options.reason },
      );
      console.log(draftLine(draft));
    });

  group
    .command('export')
    .description('write the published catalogue to schemas/ and config/calendars/')
    .option('--dir <root>', 'repository root to write under', projectPath())
    .action(async (options: { dir: string }, command: Command) => {
      const published = await exportCatalogue(connect(command));
      const local = readLocalFiles(options.dir);
      const bar = progress(published.files.length, 'export');
      let written = 0;
      for (const file of published.files) {
        if (local.get(file.path) !== file.text) {
          const target = join(options.dir, file.path);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, file.text);
          written++;
        }
        bar.tick(file.path);
      }
      bar.stop();
      console.log(
        `revision ${published.revision}: ${published.files.length} file(s), ${written} written`,
      );
    });

  group
    .command('import')
    .description(
      'turn local changes of schemas/ and config/calendars/ into submitted drafts (all or none)',
    )
    .option('--dir <root>', 'repository root holding the files', projectPath())
    .option('--dry-run', 'check and show what would be drafted; create nothing')
    .option('--note <text>', 'why', 'catalogue import')
    .action(async (options: { dir: string; dryRun?: boolean; note: string }, command: Command) => {
      const api = connect(command);
      const published = await exportCatalogue(api);
      const planned = plannedDrafts(readLocalFiles(options.dir), published.files, options.note);
      if (planned.length === 0) return console.log('nothing to import: the files are published');
      // Every draft is checked before any is created: one broken file and nothing changes.
      const bar = progress(planned.length, 'check ');
      const checked: { label: string; body: unknown; validation: ValidationView }[] = [];
      for (const draft of planned) {
        const validation: ValidationView = draft.problem
          ? {
              ok: false,
              problems: [{ path: '', message: draft.problem, messageZh: draft.problem }],
              compatibility: { breaking: false, changes: [] },
            }
          : await check(api, draft.body);
        checked.push({ label: draft.label, body: draft.body, validation });
        bar.tick(draft.label);
      }
      bar.stop();
      for (const { label, validation } of checked)
        console.log(
          `${validation.ok ? 'ok ' : 'BAD'} ${label}${validation.compatibility.breaking ? ' (breaking)' : ''}`,
        );
      const bad = checked.filter((c) => !c.validation.ok);
      if (bad.length > 0) {
        for (const { label, validation } of bad) printProblems(label, validation);
        throw new CommandFailure(
          `${bad.length} of ${checked.length} change(s) have problems: nothing imported`,
        );
      }
      if (options.dryRun) return console.log(`dry run: ${checked.length} draft(s) would be made`);
      const created = progress(checked.length, 'import');
      for (const { label, body } of checked) {
        const draft = await api.post<DraftView>(DRAFTS, body);
        const id = encodeURIComponent(draft.draftId);
        await api.post(`${DRAFTS}/${id}/validate`);
        await api.post(`${DRAFTS}/${id}/submit`);
        created.tick(label);
        console.log(`${draft.draftId}  in-review  ${label}`);
      }
      created.stop();
      console.log(`${checked.length} draft(s) in review: another operator approves them`);
    });
}
