// The console's stylesheet and scripts (gateway/console/assets), each linked by a URL carrying its
// content's hash (gateway/shared/versioned-assets.ts; README: assets), so after a deploy an open
// browser fetches the new script with the new page instead of keeping the old one for an hour.
// Hashed once when the console's router is built; the router puts them on every request's
// res.locals, where the layout and the draft editor find them without a parameter to thread.
import type { RequestHandler, Response } from 'express';
import { projectPath } from '../shared/project-root.ts';
import { VersionedAssets } from '../shared/versioned-assets.ts';

const BASE = '/console/assets';

interface AssetLocals {
  consoleAssets?: VersionedAssets;
}

/** Reads and hashes the console's asset files (at start, never per request). */
export function consoleAssets(root = projectPath('gateway', 'console', 'assets')): VersionedAssets {
  return new VersionedAssets(root, BASE);
}

/** Makes the assets known to every page this request draws. */
export function withAssets(assets: VersionedAssets): RequestHandler {
  return (_req, res, next) => {
    (res.locals as AssetLocals).consoleAssets = assets;
    next();
  };
}

/**
 * An asset's versioned URL. Without the assets on the request (a page drawn outside the console's
 * router) the plain URL: still served, only revalidated each time instead of cached.
 */
export function assetUrl(res: Response, name: string): string {
  return (res.locals as AssetLocals).consoleAssets?.url(name) ?? `${BASE}/${name}`;
}
