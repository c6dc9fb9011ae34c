// Server-rendered HTML for the operator console (gateway/console/README.md): a tagged template
// that escapes every interpolated value unless it is already markup this module built (SafeHtml),
// so a page author cannot forget to escape a case id, an operator's reason or a province's note.
// Arrays are joined; undefined, null and false render nothing (for `cond && html`…``).

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export class SafeHtml {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

/** html`<td>${caseId}</td>`: values escaped, SafeHtml and arrays of it inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup from a trusted constant (never from input). */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text);
}
