// Mounts rows of the route table on an express router: per row, the client-kind and right checks,
// the body and query contracts, then the handler through handle(). Authentication is not here:
// signed rows are mounted behind the /v1 signature check (services.ts), public rows before it. An
// operator refused by a row's kind or right check is audited (gateway/README.md#audit-chain). The
// signature check's Redis checks are settled before the handler runs, unless the row settles them
// itself (checksInHandler, auth/deferred-checks.ts).
import type { Request, RequestHandler, Response, Router } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import { refuseOperator } from '../audit/operator-audit.ts';
import { clientOf } from '../auth/authenticate.ts';
import type { Client } from '../auth/client-registry.ts';
import { settleChecks } from '../auth/deferred-checks.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { ALL_CLIENT_KINDS, type ApiRequest, type ApiRoute } from './api-route.ts';
import { locals } from './request-context.ts';
import { requestChecks, type RequestCheck } from './request-validation.ts';
import { handle } from './respond.ts';
import { gatewayRouter } from './router.ts';

export interface RouteRouterOptions {
  /** Where operators' refused attempts are appended; without it they are only answered. */
  audit?: AuditLog;
}

export function isPublic<D>(route: ApiRoute<D>): boolean {
  return route.clients === 'public';
}

/** Why the row refuses this client (kind first, then right), or undefined. */
function refusal<D>(route: ApiRoute<D>, res: Response): string | undefined {
  if (route.clients === 'public') return undefined;
  const client = clientOf(res);
  if (!route.clients.includes(client.kind)) {
    return `This operation is for ${route.clients.join(' or ')} clients`;
  }
  if (route.right && !client.rights.includes(route.right)) {
    return `This operation needs the ${route.right} right`;
  }
  return undefined;
}

function accessCheck<D>(route: ApiRoute<D>, audit: AuditLog | undefined): RequestHandler[] {
  if (route.clients === 'public') return [];
  const kindLimited = ALL_CLIENT_KINDS.some((kind) => !route.clients.includes(kind));
  if (!kindLimited && !route.right) return [];
  return [
    async (req, res, next) => {
      const detail = refusal(route, res);
      if (detail === undefined) return next();
      // A replayed nonce or a client over its rate is told so first, and audited as nothing.
      await settleChecks(res);
      const client = clientOf(res);
      if (audit && client.kind === 'operator') {
        // The target is what the path names (a case, a draft…), else the path itself.
        const params = req.params as Record<string, string>;
        const target = route.auditTarget?.(params) ?? Object.values(params)[0] ?? req.path;
        const action = route.action ?? route.operation.operationId;
        const request = { operator: client, requestId: locals(res).requestId };
        throw await refuseOperator(audit, request, { action, target }, detail);
      }
      throw new GatewayError('GW_FORBIDDEN', { detail });
    },
  ];
}

// A write whose row takes an Idempotency-Key is retried safely with it, and its 503 says so
// (shared/problem.ts); the row's OpenAPI parameters are what says it takes one. Where the key is
// optional (a catalogue draft's creation), only a request that sent one is retried safely.
function idempotencyKeyMark<D>(route: ApiRoute<D>): RequestHandler[] {
  const parameters = route.operation.parameters ?? [];
  const required = parameters.includes('IdempotencyKey');
  if (!required && !parameters.includes('OptionalIdempotencyKey')) return [];
  return [
    (req, res, next) => {
      locals(res).takesIdempotencyKey = required || req.get('idempotency-key') !== undefined;
      next();
    },
  ];
}

/** A router serving `routes`, each handler given `deps`; contracts are compiled here, once. */
export function routeRouter<D>(
  routes: readonly ApiRoute<D>[],
  deps: D,
  options: RouteRouterOptions = {},
): Router {
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
      ...idempotencyKeyMark(route),
      ...accessCheck(route, options.audit),
      handle(async (req, res) => {
        if (!route.checksInHandler) await settleChecks(res);
        let request: ApiRequest<D, never, never>;
        try {
          request = apiRequest(req, res, deps, checkBody, checkQuery);
        } catch (error) {
          // A replayed nonce or a client over its rate is told so before a body problem.
          await settleChecks(res);
          throw error;
        }
        return route.handler(request);
      }),
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
  return new RouteRequest(req, res, deps, body as never, query as never);
}

// What a handler is given. `client`, `log` and `requestId` are getters of the class, defined once,
// not accessors of an object literal: V8 allocates each literal's accessor pair in old space (and
// turns the object into a dictionary), so the pair's getter, and through its scope the request and
// the response, survived every young-generation GC and was promoted to wait for a full one, about
// a quarter of what each request allocated (gateway/README.md#garbage-collection). `log` is read
// when a handler asks for it, so a handler that does not log builds no child logger. `header` and
// `checked` are fields, so a handler can destructure them.
class RouteRequest<D> implements ApiRequest<D, never, never> {
  readonly #res: Response;
  readonly deps: D;
  readonly body: never;
  readonly query: never;
  readonly params: Record<string, string>;
  readonly header: (name: string) => string | undefined;
  readonly checked: () => Promise<void>;

  constructor(req: Request, res: Response, deps: D, body: never, query: never) {
    this.#res = res;
    this.deps = deps;
    this.body = body;
    this.query = query;
    this.params = req.params as Record<string, string>;
    this.header = headerOf(req);
    this.checked = checksOf(res);
  }

  get client(): Client {
    return clientOf(this.#res);
  }

  get log(): Logger {
    return locals(this.#res).log;
  }

  get requestId(): string {
    return locals(this.#res).requestId;
  }
}

// Returned from a function, not written straight into a property: V8 also allocates a function
// literal assigned to a property (`this.f = () => …`) in old space, with the same effect.
const headerOf =
  (req: Request) =>
  (name: string): string | undefined =>
    req.get(name);
const checksOf = (res: Response) => (): Promise<void> => settleChecks(res);
