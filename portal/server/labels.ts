// The Chinese names the pages show for codes (征收项目, 开户行行号, 经营类型, statuses, failure
// reasons, 好差评 levels): one file, portal/assets/labels.json, read here for server-rendered pages and fetched by
// the browser for the form and the live case page.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/shared/project-root.ts';

export type Labels = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function loadLabels(): Labels {
  return JSON.parse(readFileSync(projectPath('portal', 'assets', 'labels.json'), 'utf8')) as Labels;
}

/** The label of `code` in `group`, or the code itself. */
export function label(labels: Labels, group: string, code: unknown): string {
  const key = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return labels[group]?.[key] ?? key;
}

/** The name of `code` in `group`; '' when the labels do not name it. */
export function nameOf(labels: Labels, group: string, code: unknown): string {
  const key = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  return labels[group]?.[key] ?? '';
}

/** `10101 增值税`: the code with its name beside it, or the code alone when it has none. */
export function codeWithName(labels: Labels, group: string, code: unknown): string {
  const key = typeof code === 'string' || typeof code === 'number' ? String(code) : '';
  const name = nameOf(labels, group, code);
  return name ? `${key} ${name}` : key;
}
