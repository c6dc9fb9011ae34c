// Measurements taken inside the page (README.md#browser-tests): line boxes, tap-target heights,
// font sizes, where the focus is and how it shows. Each runs as a script string in the page (the
// project's TypeScript has no DOM types; playwright's evaluate runs it whatever the page's CSP).
import type { Page } from 'playwright-core';

const run = <T>(page: Page, body: string, arg: unknown = null): Promise<T> =>
  page.evaluate<T>(`((arg) => { ${body} })(${JSON.stringify(arg)})`);

/**
 * How many lines each of `texts` takes where the page first shows it (0: not shown): a Range over
 * the text in its text node has one box per line it is laid out on.
 */
export function linesOf(page: Page, texts: readonly string[]): Promise<number[]> {
  return run(
    page,
    `const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return arg.map((text) => {
      const node = nodes.find((n) => n.data.includes(text) && n.parentElement.getClientRects().length > 0);
      if (!node) return 0;
      const range = document.createRange();
      const start = node.data.indexOf(text);
      range.setStart(node, start);
      range.setEnd(node, start + text.length);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });`,
    texts,
  );
}

export interface ControlSize {
  readonly element: string;
  /** The height of what is tapped: the control, or for a radio or checkbox its label. */
  readonly height: number;
  /** Its font size; 16 for a button or a link (only a field's font decides a zoom on focus). */
  readonly font: number;
}

/** Every rendered control and link, but links inside a sentence (WCAG 2.5.8: inline targets). */
export function controlSizes(page: Page): Promise<ControlSize[]> {
  return run(
    page,
    `const out = [];
    for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a')) {
      if (control.matches('p a') || control.getClientRects().length === 0) continue;
      const target = control.matches('[type=radio], [type=checkbox]') ? (control.closest('label') || control) : control;
      out.push({
        element: [control.localName, control.dataset.pointer || control.id, control.textContent.trim().slice(0, 12)].filter(Boolean).join(' '),
        height: target.getBoundingClientRect().height,
        font: control.matches('input, select, textarea') ? parseFloat(getComputedStyle(control).fontSize) : 16,
      });
    }
    return out;`,
  );
}

/** Each rendered element with text of its own under `minimum` px: "tag.class size px: text". */
export function textUnder(page: Page, minimum: number): Promise<string[]> {
  return run(
    page,
    `const out = [];
    for (const element of document.body.querySelectorAll('*')) {
      const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
      if (!own || element.getClientRects().length === 0) continue;
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < arg) out.push(element.localName + '.' + element.className + ' ' + size + ' px: ' + element.textContent.trim().slice(0, 16));
    }
    return out;`,
    minimum,
  );
}

export interface FocusStop {
  /** The focused element, unique on the page: tag, its index in the document, id or pointer, text. */
  readonly element: string;
  readonly outline: string;
  readonly outlineWidth: number;
  readonly shadow: string;
}

/** Where the focus is (null: nowhere on the page) and how it shows; a radio shows it on its label. */
export function focusStop(page: Page): Promise<FocusStop | null> {
  return run(
    page,
    `const e = document.activeElement;
    if (!e || e === document.body) return null;
    const shown = e.matches('[type=radio]') ? (e.closest('label') || e) : e;
    const style = getComputedStyle(shown);
    const index = [...document.querySelectorAll('*')].indexOf(e);
    return {
      element: [e.localName + '[' + index + ']', e.dataset.pointer || e.id, e.textContent.trim().slice(0, 12)].filter(Boolean).join(' '),
      outline: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      shadow: style.boxShadow,
    };`,
  );
}

/** A focused element's id, or its text when it has none; null when nothing has focus. */
export function focusedId(page: Page): Promise<string | null> {
  return run(
    page,
    `const e = document.activeElement;
    return !e || e === document.body ? null : e.id || e.textContent.trim();`,
  );
}

export interface BoxLook {
  readonly outline: string;
  readonly outlineWidth: number;
  readonly background: string;
}

/** How the first element matching `selector` is drawn: its outline and its background. */
export function boxLook(page: Page, selector: string): Promise<BoxLook> {
  return run(
    page,
    `const style = getComputedStyle(document.querySelector(arg));
    return { outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), background: style.backgroundColor };`,
    selector,
  );
}

/** The page's width against its viewport's, in CSS px: wider means it scrolls sideways. */
export function pageWidth(page: Page): Promise<{ scroll: number; client: number }> {
  return run(
    page,
    `return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth };`,
  );
}
