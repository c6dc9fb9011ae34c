// A directory of static assets (scripts, stylesheets) whose URLs carry their content's hash, so a
// deploy that changes a page and its script together never leaves an open browser running the old
// script against the new page (gateway/console/README.md#assets, README.md#the-taxpayer-portal).
// Every file is read and hashed once, at start; a page asks `url(name)` for
// `<base>/<name>?v=<first 12 hex of its sha256>`. A query string rather than a hashed file name:
// the routes, the files on disk and the relative imports between the portal's modules stay as
// they are, and the URL is still same-origin for the pages' CSP (script-src 'self').
// Served with the hash it answers `Cache-Control: public, max-age=31536000, immutable` (the URL
// names these bytes forever); with an old hash or none it still serves the current file, but as
// `no-cache` — the browser revalidates (ETag, 304) every time. That covers a page rendered by the
// previous release, a module imported by relative URL (`import './api.js'`, no query), and a
// request reaching an instance still running the other release during a rolling deploy.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type Router } from 'express';

/** The answer to a URL carrying the current hash: these bytes, cacheable for a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** The answer to any other asset URL: usable, but revalidated before each use. */
export const REVALIDATE_CACHE = 'no-cache';

const HASH_CHARS = 12;

/** The first 12 hex of a file's sha256: what its URL carries. */
export function contentVersion(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, HASH_CHARS);
}

export class VersionedAssets {
  /** Each file's name relative to the root (`/`-separated) → its content version. */
  readonly #versions = new Map<string, string>();
  /** The directory served. */
  readonly root: string;
  /** The URL path it is served under, e.g. `/console/assets`. */
  readonly base: string;

  constructor(root: string, base: string) {
    this.root = root;
    this.base = base;
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      const path = join(root, entry);
      if (statSync(path).isFile())
        this.#versions.set(entry.split(sep).join('/'), contentVersion(readFileSync(path)));
    }
  }

  /** The URL of one asset, carrying its hash; an unknown name is a programming error. */
  url(name: string): string {
    const version = this.#versions.get(name);
    if (version === undefined) throw new Error(`no asset ${name} under ${this.root}`);
    return `${this.base}/${name}?v=${version}`;
  }

  /**
   * Markup with every `src="<base>/<name>"` and `href="<base>/<name>"` replaced by the asset's
   * versioned URL: for pages kept as HTML files (portal/pages), rewritten once when they are read.
   */
  versioned(markup: string): string {
    const prefix = `${this.base}/`;
    return markup.replace(
      /\b(src|href)="([^"?#]+)"/g,
      (whole, attribute: string, target: string) =>
        target.startsWith(prefix)
          ? `${attribute}="${this.url(target.slice(prefix.length))}"`
          : whole,
    );
  }

  /**
   * The files, to mount at `base`: the current bytes whatever the query, immutable only when
   * `?v=` is the current hash of the file asked for. An unknown file is a 404 error for the
   * mounting app's error handler, as express.static's `fallthrough: false` makes it.
   */
  router(): Router {
    const router = express.Router();
    router.use((req, res, next) => {
      const v = req.query.v;
      const current = typeof v === 'string' && v === this.#versions.get(req.path.slice(1));
      res.set('Cache-Control', current ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      next();
    });
    router.use(
      express.static(this.root, { fallthrough: false, index: false, cacheControl: false }),
    );
    return router;
  }
}
