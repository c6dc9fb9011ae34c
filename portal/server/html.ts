// The portal's pages are plain HTML files under portal/pages with `{{name}}` placeholders, filled
// here with every value HTML-escaped (`{{{name}}}` inserts markup the server built itself, already
// escaped), inside one layout. Read once at start: no template engine, no per-request file reads.
// The pages name their scripts and stylesheets plainly (`/assets/pay.js`); on reading, each such
// link becomes its versioned URL (gateway/shared/versioned-assets.ts), so a deploy's new page
// never runs an old cached script.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/shared/project-root.ts';
import type { VersionedAssets } from '../../gateway/shared/versioned-assets.ts';

export type PageName =
  'layout' | 'login' | 'home' | 'pay' | 'case' | 'receipt' | 'receipt-unreadable' | 'unavailable';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text of a page value: strings and numbers as they are, anything else empty. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function escapeHtml(value: unknown): string {
  return textOf(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Fills `{{{raw}}}` and `{{escaped}}` placeholders in one pass over the template; a missing value is
 * an empty string. What a value inserts is never read as placeholders: filled in two passes, a
 * project name `{{csrf}}` (raw markup of the home page's rows, then the page inside the layout)
 * showed the session's CSRF token, and `{{title}}` the page's title.
 */
export function fill(template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(
    /\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g,
    (_, raw?: string, escaped?: string) =>
      raw !== undefined ? textOf(values[raw]) : escapeHtml(values[escaped!]),
  );
}

export class Pages {
  readonly #templates = new Map<PageName, string>();

  constructor(assets: VersionedAssets, dir = projectPath('portal', 'pages')) {
    for (const name of [
      'layout',
      'login',
      'home',
      'pay',
      'case',
      'receipt',
      'receipt-unreadable',
      'unavailable',
    ] as const)
      this.#templates.set(name, assets.versioned(readFileSync(`${dir}/${name}.html`, 'utf8')));
  }

  /** A whole page: `name` inside the layout, with the page title and the signed-in enterprise. */
  render(
    name: Exclude<PageName, 'layout'>,
    values: Readonly<Record<string, unknown>> & { title: string },
  ): string {
    const content = fill(this.#templates.get(name)!, values);
    const enterprise = typeof values.enterprise === 'string' ? values.enterprise : '';
    // The sign-out form carries the session's CSRF token (login-routes.ts: POST /logout).
    const csrf = typeof values.csrf === 'string' ? values.csrf : '';
    const account = enterprise
      ? `<span class="who">${escapeHtml(enterprise)}</span>` +
        `<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}" /><button type="submit" class="link">退出</button></form>`
      : '';
    return fill(this.#templates.get('layout')!, { ...values, content, account, page: name });
  }
}
