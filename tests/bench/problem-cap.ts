// `npm run bench:problems -- [rounds]`: what one refused submission costs the gateway's CPU from
// its parsed body to the problem+json text it sends (README.md#bad-input-and-limits): staged
// validation (validateSubmission, the envelope's ajv run and its problem list), toProblem and
// JSON.stringify. Bodies: one of 20 000 unknown members (the abnormal case, ~209 KB signed), one
// with a few problems, and a valid SW-005 envelope (validation only). Figures are reported, never
// asserted; run it on two checkouts to compare.
import { readFileSync } from 'node:fs';
import { loadDivisionTables } from '../../gateway/divisions/load-division-table.ts';
import { fileCatalogue } from '../../gateway/services.ts';
import { isGatewayError } from '../../gateway/shared/errors.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { toProblem } from '../../gateway/shared/problem.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

const rounds = Number(process.argv[2] ?? 50);
const logger = createLogger({ level: 'error', env: 'test' }, { write: () => {} });
const catalogue = fileCatalogue(logger, { tables: loadDivisionTables() });
const examples = JSON.parse(
  readFileSync(projectPath('schemas/items/SW-005.examples.json'), 'utf8'),
) as { valid: Record<string, unknown>[] };
const valid = examples.valid[0]!;

const unknown: Record<string, number> = {};
for (let i = 0; i < 20_000; i++) unknown[`m${i}`] = 0;
const bodies: Record<string, string> = {
  '20 000 unknown members': JSON.stringify(unknown),
  'a few problems': JSON.stringify({ ...valid, mode: 'teleport', extra: 1, receivingRegion: 'x' }),
  'valid SW-005': JSON.stringify(valid),
};

function handle(text: string): number {
  try {
    catalogue.current.validateSubmission(JSON.parse(text));
    return 0;
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    const problem = toProblem(error, 'bench');
    return JSON.stringify(problem.body).length;
  }
}

for (const [name, text] of Object.entries(bodies)) {
  for (let i = 0; i < 3; i++) handle(text); // warm up
  const cpu = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) bytes = handle(text);
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000 / rounds;
  console.log(
    `${name.padEnd(24)} ${String(text.length).padStart(7)} B body: ${ms.toFixed(2)} CPU ms, ` +
      `problem ${bytes} B`,
  );
}
// What of it every body pays anyway, and what ajv's allErrors pass alone costs on the big one.
const big = bodies['20 000 unknown members']!;
const envelope = catalogue.current.envelopeValidator();
for (const [name, run] of [
  ['JSON.parse alone', () => JSON.parse(big) as unknown],
  ['envelope ajv alone', () => envelope(unknown)],
] as const) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < rounds; i++) run();
  const used = process.cpuUsage(cpu);
  console.log(
    `${name.padEnd(24)} (20 000 members): ${((used.user + used.system) / 1000 / rounds).toFixed(2)} CPU ms`,
  );
}
await catalogue.close();
