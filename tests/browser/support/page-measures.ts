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

/**
 * Every rendered control and link, but links inside a sentence (WCAG 2.5.8: inline targets): a
 * link alone in its paragraph, such as the only way on from a page, is counted.
 */
export function controlSizes(page: Page): Promise<ControlSize[]> {
  return run(
    page,
    `const out = [];
    for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a')) {
      const inline = control.matches('a') && getComputedStyle(control).display === 'inline' &&
        control.parentElement.textContent.trim() !== control.textContent.trim();
      if (inline || control.getClientRects().length === 0) continue;
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
  /** Where the outline's outer edge is drawn, left and right, in CSS px of the viewport. */
  readonly left: number;
  readonly right: number;
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
      left: shown.getBoundingClientRect().left - (parseFloat(style.outlineOffset) || 0) - (parseFloat(style.outlineWidth) || 0),
      right: shown.getBoundingClientRect().right + (parseFloat(style.outlineOffset) || 0) + (parseFloat(style.outlineWidth) || 0),
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

/**
 * Waits until the element with `id` has the focus, and says so (false after 15 s). For a page that
 * focuses with `autofocus`: the browser applies it when it next renders, which under load can come
 * after the load event a navigation waits for, so a Tab pressed at once started from the page's
 * top (the skip link) in one CI run.
 */
export async function focusArrives(page: Page, id: string): Promise<boolean> {
  return page
    .waitForFunction(`document.activeElement?.id === ${JSON.stringify(id)}`, null, {
      timeout: 15_000,
    })
    .then(
      () => true,
      () => false,
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

/**
 * Text a taxpayer cannot read whole or that runs out of its box: an element with text of its own,
 * or a field's value, wider than the box — hidden (overflow hidden, an ellipsis, a field too
 * narrow for its value), scrolled sideways inside it, or drawn over its edge.
 * "tag#id.class: text (scroll px in client px)".
 */
export function clippedText(page: Page): Promise<string[]> {
  return run(
    page,
    `const out = [];
    for (const element of document.body.querySelectorAll('*')) {
      if (element.getClientRects().length === 0) continue;
      const field = element.matches('input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=date]), textarea');
      const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
      if (!field && !own) continue;
      const style = getComputedStyle(element);
      // An inline element has no box of its own to overflow (clientWidth 0): its block has.
      if (!field && style.display === 'inline') continue;
      if (element.scrollWidth <= element.clientWidth + 1) continue;
      const text = field ? element.value : element.textContent.trim();
      out.push(element.localName + (element.id ? '#' + element.id : '') + '.' + element.className + ': ' + text.slice(0, 24) + ' (' + element.scrollWidth + ' px in ' + element.clientWidth + ' px)');
    }
    return out;`,
  );
}

/**
 * What is untidy in the site header, if anything: the brand, the enterprise's name or 退出 broken
 * over lines, the name and 退出 on different rows, or anything outside the header's width. The
 * header is one row, or the brand's row and the account's under it; nothing else passes.
 */
export function headerRows(page: Page): Promise<string[]> {
  return run(
    page,
    `const header = document.querySelector('.site-header');
    if (!header) return [];
    const out = [];
    // The lines of an element's own text (the brand's words, not its round mark).
    const lines = (e) => {
      const tops = new Set();
      for (const n of e.childNodes) {
        if (n.nodeType !== Node.TEXT_NODE || n.data.trim() === '') continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
      }
      return tops.size;
    };
    const parts = [['brand', '.brand'], ['enterprise', '.who'], ['退出', '.logout button']]
      .map(([name, selector]) => [name, header.querySelector(selector)])
      .filter(([, e]) => e && e.getClientRects().length > 0);
    for (const [name, e] of parts) if (lines(e) > 1) out.push(name + ' on ' + lines(e) + ' lines');
    const box = header.getBoundingClientRect();
    for (const [name, e] of parts) {
      const r = e.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(name + ' outside the header');
    }
    // Signed out there is no account: no row of it either (a hairline under the brand, alone).
    const account = header.querySelector('.account');
    if (account && account.children.length === 0 && account.getBoundingClientRect().height > 0)
      out.push('an empty account row drawn');
    const who = header.querySelector('.who');
    const logout = header.querySelector('.logout button');
    if (who && logout) {
      const a = who.getBoundingClientRect();
      const b = logout.getBoundingClientRect();
      const mid = (r) => (r.top + r.bottom) / 2;
      if (Math.abs(mid(a) - mid(b)) > 4) out.push('the enterprise and 退出 on different rows');
      // Under the brand, the account is a row of its own across the header: 退出 at its right
      // end, where it is beside the brand on a wide screen — not left hanging after the name.
      const row = header.querySelector('.header-row');
      const style = getComputedStyle(row);
      const right = row.getBoundingClientRect().right - parseFloat(style.paddingRight);
      const brand = header.querySelector('.brand').getBoundingClientRect();
      if (a.top >= brand.bottom - 1 && Math.abs(b.right - right) > 1)
        out.push('退出 under the brand ends ' + Math.round(right - b.right) + ' px short of the row');
    }
    return out;`,
  );
}

/** The live region (aria-live, role status, alert or log) holding `selector`'s element, or null. */
export function liveRegionOf(page: Page, selector: string): Promise<string | null> {
  return run(
    page,
    `const live = document.querySelector(arg)?.closest('[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]');
    return live ? live.localName + (live.id ? '#' + live.id : '') : null;`,
    selector,
  );
}

/** Whether the first element matching `selector` is wholly inside the viewport as it is scrolled. */
export function inViewport(page: Page, selector: string): Promise<boolean> {
  return run(
    page,
    `const box = document.querySelector(arg).getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;`,
    selector,
  );
}

/**
 * What scrolls sideways: the page, or a table's box (.table-wrap), wider than what shows it —
 * "table-id scroll>client" (the page: "html …"). A table that scrolls inside its box keeps its
 * last columns out of sight as surely as a page that does.
 */
export function scrolledSideways(page: Page): Promise<string[]> {
  return run(
    page,
    `return [document.documentElement, ...document.querySelectorAll('.table-wrap')]
      .filter((el) => el.scrollWidth > el.clientWidth)
      .map((el) => (el.querySelector('table')?.id || el.localName) + ' ' + el.scrollWidth + '>' + el.clientWidth);`,
  );
}

/**
 * Links and buttons a finger may miss (WCAG 2.2 2.5.8, target size minimum): each rendered `a`,
 * `button` and `summary` under `minimum` px tall or wide, unless it is spaced — a circle of
 * `minimum` px across, centred on it, touches no other target's box — or sits in a sentence
 * (its block has words of its own beside its links, not just "·" between them).
 * "tag#id text: width×height px".
 */
export function smallTargets(page: Page, minimum = 24): Promise<string[]> {
  return run(
    page,
    `const targets = [...document.body.querySelectorAll('a, button, summary')].filter((e) => e.getClientRects().length > 0);
    const boxes = targets.map((e) => e.getBoundingClientRect());
    const inSentence = (e) => {
      if (getComputedStyle(e).display !== 'inline') return false;
      const block = e.parentElement.closest('p, li, td, th, dd, div, section');
      let words = block.textContent;
      for (const link of block.querySelectorAll('a, button')) words = words.replace(link.textContent, '');
      return words.replace(/[\\s·|,，、()（）]/g, '') !== '';
    };
    const small = (box) => box.height < arg - 0.5 || box.width < arg - 0.5;
    const centre = (box) => [(box.left + box.right) / 2, (box.top + box.bottom) / 2];
    // Whether the circle on box a reaches box b, or b's own circle when b is small too.
    const reaches = (a, b) => {
      const [x, y] = centre(a);
      if (small(b)) return Math.hypot(x - centre(b)[0], y - centre(b)[1]) < arg;
      const dx = Math.max(b.left - x, 0, x - b.right), dy = Math.max(b.top - y, 0, y - b.bottom);
      return Math.hypot(dx, dy) < arg / 2;
    };
    const out = [];
    targets.forEach((e, i) => {
      const box = boxes[i];
      if (!small(box) || inSentence(e)) return;
      if (!boxes.some((other, j) => j !== i && reaches(box, other))) return;
      out.push(e.localName + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 20) + ': ' + Math.round(box.width) + '×' + Math.round(box.height) + ' px');
    });
    return out;`,
    minimum,
  );
}
