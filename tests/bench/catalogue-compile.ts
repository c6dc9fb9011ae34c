// `node tests/bench/catalogue-compile.ts [rounds] [project roots…]`: what compiling the catalogue
// at start costs (gateway/README.md#catalogue-compile-at-start), the way a gateway start does it —
// the division tables loaded, one compiler created (ajv, shared definitions, envelope), then every
// seed item version compiled by compiler.compile, whose time is the `compileMs` a gateway logs
// with `catalogue loaded`. Each measurement is a fresh process (the start is a cold V8: ajv's own
// code is not optimised yet), and the rounds alternate between the project roots given (default:
// this one), so a before/after comparison shares the machine's load. Reported, never asserted:
// wall and CPU milliseconds of the setup and of the compile, median and range per root.
// With --once it is the child: one compile, its figures as one JSON line on stdout.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Figures {
  setupMs: number;
  setupCpuMs: number;
  compileMs: number;
  compileCpuMs: number;
  versions: number;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function once(): Promise<Figures> {
  const { loadDivisionTables } = await import('../../gateway/divisions/load-division-table.ts');
  const { createCatalogueCompiler } = await import('../../gateway/catalogue/catalogue-compiler.ts');
  const { readSeedSources } = await import('../../gateway/catalogue/item-source.ts');
  const { projectPath } = await import('../../gateway/shared/project-root.ts');
  const sources = readSeedSources(projectPath('schemas'));
  const tables = loadDivisionTables();
  let cpu = process.cpuUsage();
  let started = performance.now();
  const compiler = createCatalogueCompiler({ divisions: tables });
  const setupMs = performance.now() - started;
  const setupCpuMs = cpuMs(cpu);
  cpu = process.cpuUsage();
  started = performance.now();
  const outcome = compiler.compile(sources);
  const compileMs = performance.now() - started;
  const compileCpuMs = cpuMs(cpu);
  if (outcome.problems.length > 0) throw new Error(outcome.problems.join('\n'));
  return { setupMs, setupCpuMs, compileMs, compileCpuMs, versions: outcome.compiled };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
}

if (process.argv.includes('--once')) {
  process.stdout.write(`${JSON.stringify(await once())}\n`);
} else {
  const [roundsArg, ...rootArgs] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 7);
  const here = resolve(fileURLToPath(import.meta.url), '../../..');
  const roots = rootArgs.length > 0 ? rootArgs.map((r) => resolve(r)) : [here];
  const results = new Map<string, Figures[]>(roots.map((r) => [r, []]));
  for (let round = 0; round < rounds; round++)
    for (const root of roots) {
      const out = execFileSync(
        process.execPath,
        [join(root, 'tests/bench/catalogue-compile.ts'), '--once'],
        { cwd: root, encoding: 'utf8' },
      );
      results.get(root)!.push(JSON.parse(out) as Figures);
    }
  for (const [root, figures] of results) {
    console.log(`${root} (${String(figures[0]?.versions)} item versions, ${rounds} processes, ms)`);
    console.log(`  compile wall ${summary(figures.map((f) => f.compileMs))}`);
    console.log(`  compile CPU  ${summary(figures.map((f) => f.compileCpuMs))}`);
    console.log(`  setup wall   ${summary(figures.map((f) => f.setupMs))}`);
    console.log(`  setup CPU    ${summary(figures.map((f) => f.setupCpuMs))}`);
  }
}
