// Console forms (gateway/console/README.md#adding-a-page): every form that changes something is
// a POST carrying the session's CSRF token in a hidden `_csrf` field; requireSignIn refuses any
// POST whose token is missing or wrong before a page's handler runs. Build forms with postForm
// (or put csrfField inside your own <form method="post">) and the check cannot be forgotten. A
// form that creates something also carries a key of its own (creationKeyField), sent on as the
// use case's Idempotency-Key, so a double click or a resubmitted form makes one thing, not two.
import { randomUUID } from 'node:crypto';
import type { ConsoleSession } from './console-sessions.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';

export const CSRF_FIELD = '_csrf';

export function csrfField(session: Pick<ConsoleSession, 'csrf'>): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${session.csrf}" />`;
}

export const CREATION_KEY_FIELD = 'idempotencyKey';

/** A new key each time the form is shown: every post of this one form carries the same. */
export function creationKeyField(): SafeHtml {
  return html`<input type="hidden" name="${CREATION_KEY_FIELD}" value="${randomUUID()}" />`;
}

export function postForm(
  session: Pick<ConsoleSession, 'csrf'>,
  action: string,
  inner: HtmlValue,
  attributes: { id?: string; className?: string } = {},
): SafeHtml {
  const id = attributes.id ? html` id="${attributes.id}"` : '';
  const className = attributes.className ? html` class="${attributes.className}"` : '';
  return html`<form method="post" action="${action}" ${id}${className}>
    ${csrfField(session)}${inner}
  </form>`;
}

/** A form field's value as one trimmed string ('' for a missing, repeated or non-text field). */
export function formText(body: unknown, name: string, maxLength = 500): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, maxLength) : '';
}

/** A query parameter the same way (express's simple parser gives strings or arrays). */
export function queryText(query: unknown, name: string, maxLength = 200): string {
  return formText(query, name, maxLength);
}

/** One choice of a list page's filter form (GET): a labelled select whose first option is 全部 All. */
export interface FilterSelect<T extends string> {
  /** The element's id (the label points at it; pages and tests find it by it). */
  id: string;
  /** The query parameter. */
  name: string;
  zh: string;
  en: string;
  /** The value chosen now ('' or undefined: all). */
  chosen: string | undefined;
  values: readonly T[];
  /** What an option shows before its code, e.g. its Chinese name; '' for the code alone. */
  named: (value: T) => string;
}

export function filterSelect<T extends string>(f: FilterSelect<T>): SafeHtml {
  return html`<div>
    <label for="${f.id}">${f.zh} <span class="en">${f.en}</span></label>
    <select id="${f.id}" name="${f.name}">
      <option value="">全部 All</option>
      ${f.values.map(
        (v) =>
          html`<option value="${v}" ${v === f.chosen ? 'selected' : ''}>
            ${f.named(v)} ${v}
          </option>`,
      )}
    </select>
  </div>`;
}
