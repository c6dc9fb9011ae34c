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
