// Asset URLs across a deploy (gateway/shared/versioned-assets.ts), over real HTTP on a copy of the
// console's assets in a temp dir: the release that changes a file's bytes links it by a new URL,
// the other files keep theirs (still cached), and the previous release's URL for the changed file
// answers the new bytes without claiming they are immutable.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { VersionedAssets } from '../../gateway/shared/versioned-assets.ts';
import { expectCurrentHash } from '../support/asset-links.ts';

const BASE = '/console/assets';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function assetsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assets-'));
  cpSync(projectPath('gateway', 'console', 'assets'), dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A release: the directory's files hashed at its start, served at BASE on a free port. */
async function release(dir: string): Promise<{ assets: VersionedAssets; url: string }> {
  const assets = new VersionedAssets(dir, BASE);
  const app = express();
  app.use(BASE, assets.router());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.push(() => server.close());
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('not listening');
  return { assets, url: `http://127.0.0.1:${address.port}` };
}

describe('versioned assets across a deploy', () => {
  it('give a file a new URL when its bytes change, and leave the other files’ URLs as they were', async () => {
    const dir = assetsCopy();
    const before = await release(dir);
    appendFileSync(join(dir, 'catalogue-editor.js'), '\n// the next release\n');
    const after = await release(dir);
    expect(after.assets.url('catalogue-editor.js')).not.toBe(
      before.assets.url('catalogue-editor.js'),
    );
    expectCurrentHash(after.assets.url('catalogue-editor.js'), BASE, dir);
    expect(after.assets.url('console.css')).toBe(before.assets.url('console.css'));
  });

  it('answer the previous release’s URL with the new bytes, revalidated rather than immutable', async () => {
    const dir = assetsCopy();
    const old = (await release(dir)).assets.url('catalogue-editor.js');
    appendFileSync(join(dir, 'catalogue-editor.js'), '\n// the next release\n');
    const next = await release(dir);
    const stale = await fetch(`${next.url}${old}`);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    expect(await stale.text()).toBe(readFileSync(join(dir, 'catalogue-editor.js'), 'utf8'));
    const fresh = await fetch(`${next.url}${next.assets.url('catalogue-editor.js')}`);
    expect(fresh.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('refuse to start on a script importing a file that is not there, or on an import cycle, which no hash can name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assets-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'a.js'), "import { b } from './b.js';\n");
    expect(() => new VersionedAssets(dir, BASE)).toThrow(/a\.js references b\.js: no such asset/);
    writeFileSync(join(dir, 'b.js'), "import './a.js';\nexport const b = 1;\n");
    expect(() => new VersionedAssets(dir, BASE)).toThrow(/an import cycle/);
  });
});
