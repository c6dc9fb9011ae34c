// The OpenAPI `paths` of the route table (gateway/api-routes.ts), and the components of its request
// bodies. Each row's operation text is written next to its handler; what follows from the row
// itself is derived here: path syntax, query parameters from the query contract, the request body
// from the body contract, `security: []` for public rows, and the refusals every signed, restricted
// or validated row can answer.
import {
  ALL_CLIENT_KINDS,
  openApiPath,
  type ApiOperation,
  type ApiRoute,
} from '../http/api-route.ts';
import { NEVER_SHED_PATHS } from '../http/in-flight-bound.ts';
import type { RequestContract } from '../http/request-contract.ts';
import { toComponent, type JsonSchema } from './convert-schema.ts';
import { UNSIGNED } from './security.ts';
import { problems, schemaRef, type ProblemStatus } from './shared-components.ts';

/** Named request examples, by body component (POST /v1/cases: one envelope per item). */
export type RequestExamples = Readonly<
  Record<string, Record<string, { summary: string; value: unknown }>>
>;

// 400: a signed request's query is read to verify its signature, so a query that is not valid
// percent-encoding is GW_INVALID_PARAMETER on every signed row, whatever query it documents.
const SIGNED_FAILURES: readonly ProblemStatus[] = [400, 401, 429, 503];
const BODY_FAILURES: readonly ProblemStatus[] = [400, 408, 413, 415, 422];

function problemStatuses<D>(route: ApiRoute<D>): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>(route.operation.problems ?? []);
  if (route.clients !== 'public') {
    SIGNED_FAILURES.forEach((s) => statuses.add(s));
    const restricted = ALL_CLIENT_KINDS.some((kind) => !route.clients.includes(kind));
    if (restricted || route.right) statuses.add(403);
  }
  // A path parameter the router cannot decode (`/v1/cases/%zz`) is 400 GW_INVALID_PARAMETER.
  if (route.query || route.path.includes(':')) statuses.add(400);
  if (route.body) BODY_FAILURES.forEach((s) => statuses.add(s));
  // Any route but health, readiness and metrics is refused 503 GW_OVERLOADED past the bound.
  if (!NEVER_SHED_PATHS.has(route.path)) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

interface PropertiesSchema {
  properties?: Record<string, JsonSchema & { description?: string }>;
  required?: readonly string[];
}

function queryParameters(contract: RequestContract<unknown>): unknown[] {
  const schema = (contract.schema ?? {}) as PropertiesSchema;
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: toComponent(rest, { self: contract.component }),
    };
  });
}

function operationOf<D>(route: ApiRoute<D>, examples: RequestExamples): Record<string, unknown> {
  const op: ApiOperation = route.operation;
  const parameters = [
    ...(op.parameters ?? []).map((name) => ({ $ref: `#/components/parameters/${name}` })),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  const body = route.body;
  const bodyExamples = body ? examples[body.component] : undefined;
  return {
    operationId: op.operationId,
    tags: op.tags,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(route.clients === 'public' ? { security: UNSIGNED } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            description:
              'A JSON object (application/json, UTF-8). A request without any body is read as `{}`: 422 GW_VALIDATION_FAILED naming each missing member.',
            content: {
              'application/json': {
                schema: schemaRef(body.component),
                ...(bodyExamples ? { examples: bodyExamples } : {}),
              },
            },
          },
        }
      : {}),
    responses: { ...op.responses, ...problems(...problemStatuses(route)) },
  };
}

export function routePaths<D>(
  routes: readonly ApiRoute<D>[],
  examples: RequestExamples = {},
): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method]) throw new Error(`route table: ${route.method} ${path} twice`);
    item[route.method] = operationOf(route, examples);
  }
  return paths;
}

/** The request bodies with a schema of their own, as components (the envelope is published apart). */
export function requestComponents<D>(routes: readonly ApiRoute<D>[]): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const { body } of routes) {
    if (body?.schema)
      components[body.component] = toComponent(body.schema, { self: body.component });
  }
  return components;
}
