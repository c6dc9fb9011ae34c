// One row of the route table (gateway/api-routes.ts): method, path, who may call it, the request
// contracts, the handler and the OpenAPI operation. The same rows mount express
// (mount-routes.ts) and produce the OpenAPI paths (openapi/route-paths.ts), so a route cannot be
// served undocumented or documented unserved. Modelled on bull-board's single route table: a
// handler receives a plain request object and returns { status, body }, never touching express.
import type { Client, ClientKind, OperatorRight } from '../auth/client-registry.ts';
import type { ProblemStatus } from '../openapi/shared-components.ts';
import type { Logger } from '../shared/logger.ts';
import type { RequestContract } from './request-contract.ts';
import type { HandlerResult } from './respond.ts';

/** 'public': unsigned (operations endpoints); otherwise signed, by clients of these kinds. */
export type RouteAccess = 'public' | readonly ClientKind[];

export const ALL_CLIENT_KINDS: readonly ClientKind[] = ['portal', 'province', 'operator'];

/** The OpenAPI operation of a row; parameters, request body, security and refusals are derived. */
export interface ApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description?: string;
  /** Path and header parameters, by name in #/components/parameters (query ones are derived). */
  readonly parameters?: readonly string[];
  /** Answers other than problems, by status. */
  readonly responses: Readonly<Record<string, unknown>>;
  /**
   * Refusals the use case can answer. Those the row implies are added by route-paths.ts: 401,
   * 429, 503 for signed routes, 403 for restricted ones, 400 for a query, 400/413/415/422 for a
   * body.
   */
  readonly problems?: readonly ProblemStatus[];
}

/** What a handler sees of a request: validated body and query, the caller, its deps. */
export interface ApiRequest<D, B = undefined, Q = undefined> {
  readonly deps: D;
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  /** The authenticated client; throws on a public route. */
  readonly client: Client;
  /** The request's logger (carries its request id). */
  readonly log: Logger;
  /** The request's X-Request-Id (kept from the caller when well formed). */
  readonly requestId: string;
  header: (name: string) => string | undefined;
  /** The request's nonce and rate-limit checks (auth/deferred-checks.ts), settled. */
  checked: () => Promise<void>;
}

export interface RouteSpec<D, B, Q> {
  readonly method: 'get' | 'post' | 'put';
  /** express syntax, e.g. /v1/cases/:caseId; signed routes live under /v1. */
  readonly path: string;
  readonly clients: RouteAccess;
  /** An operator right the caller must also hold. */
  readonly right?: OperatorRight;
  /**
   * What the audit chain calls this operator action (e.g. `dead-letter.replay`): an operator
   * refused by the row's kind or right check is audited under it (else under the operationId).
   */
  readonly action?: string;
  /**
   * The audit target of such a refusal, from the path's parameters, where the action's own entries
   * name it otherwise than the path's first parameter does (a calendar year: `calendar-2027`).
   */
  readonly auditTarget?: (params: Record<string, string>) => string;
  readonly body?: RequestContract<B>;
  readonly query?: RequestContract<Q>;
  readonly operation: ApiOperation;
  /**
   * The handler settles `checked()` itself, before it writes anything, so its first read shares
   * the checks' Redis round trip; otherwise they are settled before the handler runs.
   */
  readonly checksInHandler?: true;
  readonly handler: (request: ApiRequest<D, B, Q>) => HandlerResult | Promise<HandlerResult>;
}

/**
 * A row with its body and query types erased: the handler's `never` makes every typed handler
 * assignable, and mount-routes.ts hands it only values its contracts have validated.
 */
export interface ApiRoute<D> extends Omit<RouteSpec<D, never, never>, 'body' | 'query'> {
  readonly body?: RequestContract<unknown>;
  readonly query?: RequestContract<unknown>;
}

/**
 * Rows whose handlers need deps D: `const route = routesFor<CaseRouteDeps>()`, then
 * `route({ … })` infers the body and query types from the contracts given.
 */
export function routesFor<D>() {
  return <B = undefined, Q = undefined>(spec: RouteSpec<D, B, Q>): ApiRoute<D> => spec;
}

/** express path → OpenAPI path: /v1/cases/:caseId → /v1/cases/{caseId}. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
