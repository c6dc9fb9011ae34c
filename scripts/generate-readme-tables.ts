// Writes README.md's generated tables: configuration (from config/settings-schema.ts) and error
// codes (from gateway/shared/errors.ts), each between its markers. Tests fail when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { settingSpecs } from '../config/load-config.ts';
import { ERROR_CATALOGUE } from '../gateway/shared/errors.ts';
import { projectPath } from '../gateway/shared/project-root.ts';

export function renderConfigTable(): string {
  const rows = settingSpecs().map((s) => {
    const def = s.default === undefined ? '—' : `\`${JSON.stringify(s.default)}\``;
    const constraint = s.constraint ? ` (${s.constraint})` : '';
    return `| \`${s.env}\` | \`${s.name}\` | ${s.type}${constraint} | ${def} | ${s.description} |`;
  });
  return [
    '| variable | setting | type | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function renderErrorTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE).map(
    ([code, spec]) => `| \`${code}\` | ${spec.status} | ${spec.title} | ${spec.titleZh} |`,
  );
  return ['| code | status | meaning | 含义 |', '|---|---|---|---|', ...rows].join('\n');
}

function replaceBetween(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const [before, rest] = text.split(start);
  const after = rest?.split(end)[1];
  if (before === undefined || after === undefined)
    throw new Error(`README.md lacks ${marker} markers`);
  return `${before}${start}\n${content}\n${end}${after}`;
}

if (import.meta.main) {
  const path = projectPath('README.md');
  let readme = readFileSync(path, 'utf8');
  readme = replaceBetween(readme, 'config-table', renderConfigTable());
  readme = replaceBetween(readme, 'error-table', renderErrorTable());
  writeFileSync(path, readme);
  console.log('README.md tables updated');
}
