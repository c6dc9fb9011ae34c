// `npm run bench:drafts -- [rounds] [validations] [project roots…]`: what one operator's draft
// validation costs in-process (gateway/README.md#drafts-and-four-eyes), the way
// POST …/drafts/{id}/validate runs it: validateItemDraft on a published item's next version, with
// the base schema for the compatibility report. Each round is a fresh process that loads the
// division tables, validates one draft to warm up the code (not counted: ajv's own code is cold
// in a new process), then `validations` drafts in turn over four items, and reports the wall and
// CPU milliseconds per validation. The rounds alternate between the project roots given (default:
// this one), so a before/after comparison shares the machine's load. Reported, never asserted.
// With --once <root> <validations> it is the child: one round, its figures as one JSON line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Figures {
  firstMs: number;
  perDraftMs: number;
  perDraftCpuMs: number;
}

type Json = Record<string, unknown>;
type Validate = (draft: unknown, context: Json) => { ok: boolean; problems: unknown[] };

// Items of the four departments' shapes, each validated as its version 2 against its version 1.
const CODES = ['SW-005', 'GA-001', 'RS-001', 'JT-001'];

async function once(root: string, validations: number): Promise<Figures> {
  const module = (await import(
    join(root, 'gateway/catalogue/draft-validation/validate-item-draft.ts')
  )) as { validateItemDraft: Validate };
  const { loadDivisionTables } = (await import(
    join(root, 'gateway/divisions/load-division-table.ts')
  )) as { loadDivisionTables: () => unknown };
  const files = (await import(join(root, 'gateway/catalogue/item-files.ts'))) as {
    itemSchemaFile: (code: string, version: number) => string;
    itemExamplesFile: (code: string, version: number) => string;
  };
  const divisions = loadDivisionTables();
  const read = (file: string) =>
    JSON.parse(readFileSync(join(root, 'schemas', file), 'utf8')) as Json;
  const catalogue = read('catalogue.json') as { items: Json[] };
  const drafts = CODES.map((code) => {
    const { code: _c, version: _v, ...metadata } = catalogue.items.find((i) => i.code === code)!;
    const schema = read(files.itemSchemaFile(code, 1));
    const examples = read(files.itemExamplesFile(code, 1)) as { valid: Json[]; invalid: Json[] };
    for (const e of examples.valid) delete e.itemVersion;
    for (const e of examples.invalid) delete (e.envelope as Json).itemVersion;
    const context = { itemCode: code, version: 2, baseSchema: schema, divisions };
    return { draft: { ...metadata, schema, examples }, context };
  });
  const run = (i: number) => {
    const { draft, context } = drafts[i % drafts.length]!;
    const result = module.validateItemDraft(draft, context);
    if (!result.ok) throw new Error(`${CODES[i % CODES.length]}: ${JSON.stringify(result)}`);
  };
  let started = performance.now();
  run(0);
  const firstMs = performance.now() - started;
  const cpu = process.cpuUsage();
  started = performance.now();
  for (let i = 0; i < validations; i++) run(i);
  const used = process.cpuUsage(cpu);
  return {
    firstMs,
    perDraftMs: (performance.now() - started) / validations,
    perDraftCpuMs: (used.user + used.system) / 1000 / validations,
  };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(1)} (${sorted[0]!.toFixed(1)}–${sorted.at(-1)!.toFixed(1)})`;
}

const here = resolve(fileURLToPath(import.meta.url), '../../..');
const onceAt = process.argv.indexOf('--once');
if (onceAt >= 0) {
  const root = process.argv[onceAt + 1]!;
  const validations = Number(process.argv[onceAt + 2]);
  process.stdout.write(`${JSON.stringify(await once(root, validations))}\n`);
} else {
  const [roundsArg, validationsArg, ...rootArgs] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 7);
  const validations = Number(validationsArg ?? 40);
  const roots = rootArgs.length > 0 ? rootArgs.map((r) => resolve(r)) : [here];
  const results = new Map<string, Figures[]>(roots.map((r) => [r, []]));
  for (let round = 0; round < rounds; round++)
    for (const root of roots) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--once', root, String(validations)],
        { cwd: root, encoding: 'utf8' },
      );
      results.get(root)!.push(JSON.parse(out) as Figures);
    }
  for (const [root, figures] of results) {
    console.log(`${root} (${rounds} processes × ${validations} draft validations, ms)`);
    console.log(`  per draft wall ${summary(figures.map((f) => f.perDraftMs))}`);
    console.log(`  per draft CPU  ${summary(figures.map((f) => f.perDraftCpuMs))}`);
    console.log(`  first (cold)   ${summary(figures.map((f) => f.firstMs))}`);
  }
}
