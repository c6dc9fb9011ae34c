// What a browser fetches for a page's scripts and stylesheets, and what their versioned URLs must
// carry (gateway/shared/versioned-assets.ts): the first 12 hex of the sha256 of the file's bytes,
// computed here independently of the code under test.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Every `<script src>` and `<link rel="stylesheet" href>` of a page, as written. */
export function pageAssetUrls(markup: string): string[] {
  return [
    ...[...markup.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!),
    ...[...markup.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map(
      (m) => m[1]!,
    ),
  ].map((url) => url.replaceAll('&amp;', '&'));
}

/** The first 12 hex of a file's sha256. */
export function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
}

/**
 * Checks a page's asset URL is `<base>/<name>?v=<hash of dir/name>` and answers the file's name.
 */
export function expectCurrentHash(url: string, base: string, dir: string): string {
  const parsed = new URL(url, 'http://page.test');
  expect(parsed.pathname.startsWith(`${base}/`), url).toBe(true);
  const name = parsed.pathname.slice(base.length + 1);
  expect(parsed.searchParams.get('v'), url).toBe(fileHash(join(dir, name)));
  return name;
}

/** A versioned reference inside a served script: `./api.js?v=…`, `/assets/labels.json?v=…`. */
const VERSIONED_REFERENCE = /(['"])([^'"\s]+)\?v=([0-9a-f]{12})\1/g;

/**
 * Fetches an asset's versioned URL from `origin` and checks what a browser would load through it:
 * answered immutable; its `v` the sha256 of the bytes served; those bytes the file on disk but for
 * the `?v=` of its references (a script's imports and fetched URLs); and each such reference,
 * resolved against the asset's URL, current in the same way, down the whole graph. Answers each
 * file reached, by name, with the URL (path and query) it was reached by, the asset's own first.
 */
export async function expectCurrentGraph(
  origin: string,
  url: string,
  base: string,
  dir: string,
  reached = new Map<string, string>(),
): Promise<Map<string, string>> {
  const absolute = new URL(url, origin);
  const name = absolute.pathname.slice(base.length + 1);
  if (reached.has(name)) return reached;
  reached.set(name, `${absolute.pathname}${absolute.search}`);
  const res = await fetch(absolute);
  expect(res.status, url).toBe(200);
  expect(res.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
  const served = Buffer.from(await res.arrayBuffer());
  expect(absolute.searchParams.get('v'), url).toBe(
    createHash('sha256').update(served).digest('hex').slice(0, 12),
  );
  const text = served.toString('utf8');
  expect(withoutVersions(text), url).toBe(readFileSync(join(dir, name), 'utf8'));
  for (const [, , target, version] of text.matchAll(VERSIONED_REFERENCE)) {
    const next = new URL(`${target}?v=${version}`, absolute).href;
    await expectCurrentGraph(origin, next, base, dir, reached);
  }
  return reached;
}

/** A served script as it is on disk: its references' `?v=` taken out. */
export const withoutVersions = (text: string) => text.replace(/\?v=[0-9a-f]{12}(?=['"])/g, '');
