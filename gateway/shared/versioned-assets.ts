// A directory of static assets (scripts, stylesheets) whose URLs carry their content's hash, so a
// deploy that changes a page and its script together never leaves an open browser running the old
// script against the new page (gateway/console/README.md#assets, README.md#the-taxpayer-portal).
// Every file is read and hashed once, at start; a page asks `url(name)` for
// `<base>/<name>?v=<first 12 hex of its sha256>`. A query string rather than a hashed file name:
// the routes, the files on disk and the relative imports between the portal's modules stay as
// they are, and the URL is still same-origin for the pages' CSP (script-src 'self').
// A script's own references — the modules it imports (`import … from './api.js'`) and the assets
// it fetches by URL (`'/assets/labels.json'`) — are rewritten to their versioned URLs too
// (script-references.ts), and the script is hashed as rewritten, so a change to labels.json gives
// api.js, and every page script importing it, a new URL: the whole graph a page loads is versioned.
// Served with the hash it answers `Cache-Control: public, max-age=31536000, immutable` (the URL
// names these bytes forever); with an old hash or none it still serves the current file, but as
// `no-cache` — the browser revalidates (ETag, 304) every time. That covers a page rendered by the
// previous release and a request reaching an instance still running the other release during a
// rolling deploy.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type Router } from 'express';
import { rewriteScriptReferences } from './script-references.ts';

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
  /** The scripts served as rewritten (their references versioned), by name: what is served. */
  readonly #rewritten = new Map<string, string>();
  /** The directory served. */
  readonly root: string;
  /** The URL path it is served under, e.g. `/console/assets`. */
  readonly base: string;

  constructor(root: string, base: string) {
    this.root = root;
    this.base = base;
    const files = new Map<string, Buffer>();
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      const path = join(root, entry);
      if (statSync(path).isFile()) files.set(entry.split(sep).join('/'), readFileSync(path));
    }
    // A script's version is its rewritten text's, which holds the versions of what it references:
    // computed depth first, each once. An import cycle has no such order and stops the start.
    const entering = new Set<string>();
    const versionOf = (name: string, from: string): string => {
      const known = this.#versions.get(name);
      if (known !== undefined) return known;
      const bytes = files.get(name);
      if (bytes === undefined)
        throw new Error(`${from} references ${name}: no such asset under ${root}`);
      if (entering.has(name))
        throw new Error(`${name}: an import cycle, which cannot be versioned`);
      entering.add(name);
      let served: Uint8Array = bytes;
      if (name.endsWith('.js')) {
        const source = bytes.toString('utf8');
        const rewritten = rewriteScriptReferences(
          source,
          name,
          base,
          (target) => `${base}/${target}?v=${versionOf(target, name)}`,
        );
        if (rewritten !== source) {
          this.#rewritten.set(name, rewritten);
          served = Buffer.from(rewritten, 'utf8');
        }
      }
      entering.delete(name);
      const version = contentVersion(served);
      this.#versions.set(name, version);
      return version;
    };
    for (const name of files.keys()) versionOf(name, name);
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
   * The files, to mount at `base`: the current bytes (a script: as rewritten) whatever the query,
   * immutable only when `?v=` is the current hash of the file asked for. An unknown file is a 404 error for the
   * mounting app's error handler, as express.static's `fallthrough: false` makes it.
   */
  router(): Router {
    const router = express.Router();
    router.use((req, res, next) => {
      const name = req.path.slice(1);
      const v = req.query.v;
      const current = typeof v === 'string' && v === this.#versions.get(name);
      res.set('Cache-Control', current ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      // A script whose references were rewritten is served as rewritten (ETag and 304 still);
      // here rather than as a route of its own, so the mounted routes stay the static files'.
      const rewritten = this.#rewritten.get(name);
      if (rewritten !== undefined && (req.method === 'GET' || req.method === 'HEAD'))
        res.set('Content-Type', 'text/javascript; charset=utf-8').send(rewritten);
      else next();
    });
    router.use(
      express.static(this.root, { fallthrough: false, index: false, cacheControl: false }),
    );
    return router;
  }
}
