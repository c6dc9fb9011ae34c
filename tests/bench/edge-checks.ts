// `npm run bench:edge`: what the body checks of gateway/README.md#body-checks cost per body, next
// to JSON.parse of the same text (which every body pays anyway). Prints ns per body for a valid
// envelope of about 2 KiB and for one of about 64 KiB. Figures are reported, never asserted.
import { readFileSync } from 'node:fs';
import { scanJson } from '../../gateway/http/json-scan.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

function envelope(padTo: number): string {
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items/SW-005.examples.json'), 'utf8'),
  ) as { valid: Record<string, unknown>[] };
  const body = structuredClone(examples.valid[0]!);
  const lines = (body.payload as { lines: unknown[] }).lines;
  while (JSON.stringify(body).length < padTo) lines.push(structuredClone(lines[0]));
  return JSON.stringify(body);
}

function nsPer(run: () => unknown, rounds: number): number {
  for (let i = 0; i < rounds / 10; i++) run(); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) run();
  return Number(process.hrtime.bigint() - started) / rounds;
}

for (const size of [2048, 65536]) {
  const text = envelope(size);
  const rounds = size > 4096 ? 2_000 : 50_000;
  const scan = nsPer(() => scanJson(text, { maxDepth: 32 }), rounds);
  const parse = nsPer(() => JSON.parse(text), rounds);
  console.log(
    `${String(text.length).padStart(6)} B body: scanJson ${(scan / 1000).toFixed(2)} µs, ` +
      `JSON.parse ${(parse / 1000).toFixed(2)} µs (scan = ${(scan / parse).toFixed(2)}× parse)`,
  );
}
