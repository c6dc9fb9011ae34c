// Every route an express 5 app serves, read from its own router stack (sub-routers included, each
// under the path it is mounted at), and every operation its OpenAPI document lists, so a test can check what the app really serves rather than
// a list kept beside it: the route table against the OpenAPI document
// (tests/integration/route-table.test.ts), the write routes against the replica barrier
// (tests/integration/replica-write-routes.test.ts).
import type { Express } from 'express';
import { openApiPath } from '../../gateway/http/api-route.ts';

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
  /** router 2's Layer: true when mounted at the root (any path matches). */
  slash?: boolean;
  /** router 2's Layer: the path it was mounted at, as written. */
  rawPath?: unknown;
}

export interface MountedRoute {
  method: string;
  /** In OpenAPI form: /v1/cases/{caseId}. */
  path: string;
}

/** "METHOD /path" of a mounted route, the key the tests compare. */
export const routeName = (r: MountedRoute) => `${r.method} ${r.path}`;

/** Every route mounted on the app, in mount order, sub-routers included. */
export function mountedRoutes(app: Express): MountedRoute[] {
  const found: MountedRoute[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push({
            method: method.toUpperCase(),
            path: openApiPath(`${prefix}${layer.route.path}`),
          });
        }
      } else if (layer.handle?.stack) {
        if (!layer.slash && typeof layer.rawPath !== 'string')
          throw new Error('a router mounted at a path the walker cannot read');
        walk(layer.handle.stack, layer.slash ? prefix : `${prefix}${layer.rawPath as string}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  return found;
}

/** The operations of an OpenAPI document's paths, as MountedRoutes. */
export function documentedRoutes(paths: Record<string, unknown>): MountedRoute[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item as object).map((method) => ({ method: method.toUpperCase(), path })),
  );
}
