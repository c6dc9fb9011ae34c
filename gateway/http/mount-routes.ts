// Mounts rows of the route table on an express router: per row, the client-kind and right checks,
// the body and query contracts, then the handler through handle(). Authentication is not here:
// signed rows are mounted behind the /v1 signature check (services.ts), public rows before it.
import type { Request, RequestHandler, Response, Router } from 'express';
import { clientOf, requireKind, requireRight } from '../auth/authenticate.ts';
import { ALL_CLIENT_KINDS, type ApiRequest, type ApiRoute } from './api-route.ts';
import { locals } from './request-context.ts';
import { requestChecks, type RequestCheck } from './request-validation.ts';
import { handle } from './respond.ts';
import { gatewayRouter } from './router.ts';

export function isPublic<D>(route: ApiRoute<D>): boolean {
  return route.clients === 'public';
}

function accessChecks<D>(route: ApiRoute<D>): RequestHandler[] {
  if (route.clients === 'public') return [];
  const checks: RequestHandler[] = [];
  if (ALL_CLIENT_KINDS.some((kind) => !route.clients.includes(kind))) {
    checks.push(requireKind(...route.clients));
  }
  if (route.right) checks.push(requireRight(route.right));
  return checks;
}

/** A router serving `routes`, each handler given `deps`; contracts are compiled here, once. */
export function routeRouter<D>(routes: readonly ApiRoute<D>[], deps: D): Router {
  const compile = requestChecks();
  const router = gatewayRouter();
  for (const route of routes) {
    if (route.clients !== 'public' && !route.path.startsWith('/v1/')) {
      // Only /v1 is behind the signature check: a signed row elsewhere would be served unsigned.
      throw new Error(`route ${route.method} ${route.path}: signed routes must live under /v1`);
    }
    const checkBody = route.body && compile(route.body);
    const checkQuery = route.query && compile(route.query);
    router[route.method](
      route.path,
      ...accessChecks(route),
      handle((req, res) => route.handler(apiRequest(req, res, deps, checkBody, checkQuery))),
    );
  }
  return router;
}

// The one place validated values meet the handler's types: `never` is the erased type of rows in
// a list, and the contracts just checked the values (api-route.ts).
function apiRequest<D>(
  req: Request,
  res: Response,
  deps: D,
  checkBody: RequestCheck | undefined,
  checkQuery: RequestCheck | undefined,
): ApiRequest<D, never, never> {
  const body = checkBody ? checkBody(req) : undefined;
  const query = checkQuery ? checkQuery(req) : undefined;
  return {
    deps,
    body: body as never,
    query: query as never,
    params: req.params as Record<string, string>,
    get client() {
      return clientOf(res);
    },
    log: locals(res).log,
    header: (name) => req.get(name),
  };
}
