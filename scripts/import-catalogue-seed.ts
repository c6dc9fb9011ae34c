// Builds schemas/catalogue.json (item metadata) from ../shared/catalogue-seed.tsv.
// Run once per seed change with `npm run gen:catalogue`; the JSON is committed and operators edit it
// from then on. Columns: code department name subject modes level promisedDays scope provenance.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const seedPath = process.argv[2] ?? resolve(root, '../shared/catalogue-seed.tsv');
const [header, ...rows] = readFileSync(seedPath, 'utf8').trim().split('\n');
if (!header?.startsWith('code\tdepartment'))
  throw new Error(`unexpected seed header in ${seedPath}`);

const MEMBERS = ['45', '50', '51', '52', '53', '54'];
const items = rows.map((line) => {
  const [code, department, name, subject, modes, level, promisedDays, scope, provenance] =
    line.split('\t');
  if (!code || !department || !name || !subject || !modes || !level || !promisedDays || !scope) {
    throw new Error(`incomplete seed row: ${line}`);
  }
  return {
    code,
    version: 1,
    name,
    department,
    subject,
    modes: modes.split(','),
    level,
    promisedDays: Number(promisedDays),
    scope,
    enabledProvinces: MEMBERS,
    provenance,
  };
});
writeFileSync(resolve(root, 'schemas/catalogue.json'), JSON.stringify({ items }, null, 2) + '\n');
console.log(`wrote ${items.length} items to schemas/catalogue.json`);
