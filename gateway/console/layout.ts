// The page every console screen is drawn in (gateway/console/README.md#adding-a-page): header
// with the signed-in operator and sign-out, the navigation they may use, the page's own content.
// Chinese first, English beside it in smaller type; one stylesheet served from /console/assets,
// linked by its versioned URL (console-assets.ts). Every page opens with a skip link, the first Tab
// stop, so a keyboard user reaches the content without tabbing through the nine stops of the
// header (brand, sign-out, the navigation); main is its target, focusable by script only.
import type { Response } from 'express';
import { assetUrl } from './console-assets.ts';
import { operatorOf, sessionOf } from './console-context.ts';
import { CONSOLE_NAV } from './console-nav.ts';
import { showsTimes, timeZoneNote } from './console-time.ts';
import { csrfField } from './forms.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';

export interface PageSpec {
  /** Chinese title, and its English label. */
  readonly title: string;
  readonly en: string;
  /** The nav key of the section this page belongs to. */
  readonly active: string;
  readonly body: HtmlValue;
}

/** A Chinese label with its English one: `办件 Cases` (either may hold markup, e.g. a time). */
export function label(zh: HtmlValue, en: HtmlValue): SafeHtml {
  return html`${zh} <span class="en">${en}</span>`;
}

function document(res: Response, title: string, header: HtmlValue, main: HtmlValue): SafeHtml {
  return html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · 运维控制台</title>
        <link rel="stylesheet" href="${assetUrl(res, 'console.css')}" />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <a class="skip-link" href="#main">跳到正文 <span class="en">Skip to content</span></a>
        ${header}
        <main id="main" tabindex="-1">${main}</main>
      </body>
    </html>`;
}

/** A page for a signed-in operator. */
export function page(res: Response, spec: PageSpec): SafeHtml {
  const operator = operatorOf(res);
  const nav = CONSOLE_NAV.filter((n) => !n.right || operator.rights.includes(n.right)).map(
    (n) =>
      html`<a href="${n.href}" class="${n.key === spec.active ? 'active' : ''}" data-nav="${n.key}"
        >${label(n.zh, n.en)}</a
      >`,
  );
  const header = html`<header class="site-header">
    <div class="brand">跨省通办网关 · 运维控制台 <span class="en">Operator console</span></div>
    <div class="who">
      <span id="operator-id">${operator.id}</span>
      <form method="post" action="/console/sign-out" class="inline">
        ${csrfField(sessionOf(res))}<button type="submit" class="link" id="sign-out">
          退出 <span class="en">Sign out</span>
        </button>
      </form>
    </div>
    <nav class="site-nav">${nav}</nav>
  </header>`;
  // Rendered once here, so the zone is said exactly when the page shows a time (console-time.ts).
  const body = html`${spec.body}`;
  return document(
    res,
    spec.title,
    header,
    html`<h1>${label(spec.title, spec.en)}</h1>
      ${showsTimes(body.toString()) ? timeZoneNote() : ''} ${body}`,
  );
}

/** A page without a session (sign-in, expired): no navigation. */
export function publicPage(res: Response, title: string, body: HtmlValue): SafeHtml {
  const header = html`<header class="site-header">
    <div class="brand">跨省通办网关 · 运维控制台 <span class="en">Operator console</span></div>
  </header>`;
  return document(res, title, header, body);
}

/** Sends a page as the response. */
export function sendPage(res: Response, markup: SafeHtml, status = 200): void {
  res.status(status).type('html').send(markup.toString());
}
