// The OpenAPI 3.1 document of the gateway (gateway/README.md#operations-endpoints): the route
// table's operations (route-paths.ts) plus the
// published catalogue, one component per item version, and the callbacks posted to portals as
// `webhooks` (callback-webhooks.ts). Built once at start from the route table
// and the compiled registry (so it documents exactly what the gateway serves and validates
// against) and served as cached bytes by docs-routes.ts. Nothing is hard-coded.
import { readSchemaFile } from '../catalogue/create-ajv.ts';
import { RESULT_KEYWORD } from '../catalogue/create-ajv.ts';
import type { SchemaRegistry } from '../catalogue/schema-registry.ts';
import { projectPath } from '../shared/project-root.ts';
import { apiSchemas } from './api-schemas.ts';
import { callbackSchemas, callbackWebhooks } from './callback-webhooks.ts';
import type { ApiRoute } from '../http/api-route.ts';
import { defsComponents, toComponent, type JsonSchema } from './convert-schema.ts';
import { requestComponents, routePaths, type RequestExamples } from './route-paths.ts';
import { AUTH_DESCRIPTION, SIGNED, securitySchemes } from './security.ts';
import {
  ENVELOPE_COMPONENT,
  headerComponents,
  parameterComponents,
  responseComponents,
} from './shared-components.ts';

export interface OpenApiOptions<D> {
  /** The route table (gateway/api-routes.ts): its rows become the paths. */
  routes: readonly ApiRoute<D>[];
  registry: SchemaRegistry;
  /** The gateway's version (package.json), shown as info.version. */
  version: string;
  /** Where clients reach the gateway; default "/" (same origin as the document). */
  serverUrl?: string;
  /** Holds defs.schema.json and envelope.schema.json; default <root>/schemas. */
  schemasDir?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  security: readonly Record<string, string[]>[];
  paths: Record<string, unknown>;
  /** What the gateway posts to a portal's callbackUrl (callback-webhooks.ts). */
  webhooks: Record<string, unknown>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, unknown>;
    parameters: Record<string, unknown>;
    headers: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
}

export function itemComponentName(code: string, version: number): string {
  return `item.${code}.v${version}`;
}

/** The component of an item version's typed result (schemas/README.md#result-schemas). */
export function resultComponentName(code: string, version: number): string {
  return `${itemComponentName(code, version)}.result`;
}

const DESCRIPTION = [
  'Routes 跨省通办 cases from provincial portals to the handling province under mutual',
  'recognition. Errors are RFC 9457 `application/problem+json` with a stable `GW_*` `code`;',
  'field problems carry a JSON pointer into the request body.',
  '',
  'Each catalogue item\'s payload schema is published as `components.schemas["item.<code>.v<version>"]`,',
  'and the result a province must report for it, when the item types its result, as',
  '`components.schemas["item.<code>.v<version>.result"]`;',
  '`x-gw-check` marks identifier checks the gateway runs beyond standard JSON Schema.',
  '',
  AUTH_DESCRIPTION,
].join('\n');

const TAGS = [
  {
    name: 'cases',
    description:
      'Submit and follow cases, and report province events (gateway/README.md#api-contract).',
  },
  { name: 'catalogue', description: 'The published catalogue (gateway/README.md#read-endpoints).' },
  {
    name: 'routing',
    description: 'Routing decisions and divisions (gateway/README.md#routing-rules).',
  },
  {
    name: 'admin',
    description:
      'Operator actions: failed deliveries, the audit chain, the data keys, the registered clients.',
  },
  {
    name: 'operations',
    description:
      'Health, readiness, metrics and these docs; unsigned (gateway/README.md#operations-endpoints).',
  },
];

function payloadsOf(envelopes: readonly unknown[] | undefined): unknown[] {
  return (envelopes ?? [])
    .map((envelope) => (envelope as { payload?: unknown }).payload)
    .filter((payload) => payload !== undefined);
}

/** Every published version of every item, as "item.<code>.v<n>" components. */
function itemComponents(registry: SchemaRegistry): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const latest of registry.items()) {
    // The registry lists latest versions; earlier ones stay submittable with itemVersion.
    for (let version = 1; version <= latest.version; version++) {
      const item = registry.item(latest.code, version);
      const schema = registry.schemaFor(latest.code, version);
      if (!item || !schema) continue;
      const name = itemComponentName(item.code, version);
      const { [RESULT_KEYWORD]: resultSchema, ...payloadSchema } = schema;
      const converted = toComponent(payloadSchema, { self: name }) as JsonSchema;
      if (resultSchema !== undefined) {
        const resultName = resultComponentName(item.code, version);
        components[resultName] = toComponent(resultSchema, { self: resultName });
      }
      const summary = `${item.code} v${version} ${item.name} (${item.department}; modes ${item.modes.join(', ')}; ${item.level} level).`;
      components[name] = {
        ...converted,
        // The catalogue's name wins over the schema file's title: it is what portals display.
        title: item.name,
        description: [summary, converted.description].filter(Boolean).join(' '),
        examples: payloadsOf(registry.examplesFor(item.code, version)?.valid),
        'x-gw-item': {
          code: item.code,
          version,
          department: item.department,
          subject: item.subject,
          modes: item.modes,
          level: item.level,
          promisedDays: item.promisedDays,
        },
      };
    }
  }
  return components;
}

/** One ready-to-send envelope per item for "Try it out", keyed by item code. */
function submitExamples(registry: SchemaRegistry): RequestExamples[string] {
  const examples: RequestExamples[string] = {};
  for (const item of registry.items()) {
    const first = registry.examplesFor(item.code)?.valid[0];
    if (first !== undefined)
      examples[item.code] = { summary: `${item.code} ${item.name}`, value: first };
  }
  return examples;
}

function envelopeComponent(schemasDir: string): JsonSchema {
  const envelope = toComponent(readSchemaFile('envelope.schema.json', schemasDir), {
    self: ENVELOPE_COMPONENT,
  }) as JsonSchema & { properties: Record<string, JsonSchema> };
  const payload = envelope.properties.payload;
  if (payload) {
    payload.description =
      'Checked against `components.schemas["item.<itemCode>.v<itemVersion>"]` (latest version ' +
      'when itemVersion is absent).';
  }
  return envelope;
}

export function buildOpenApi<D>(options: OpenApiOptions<D>): OpenApiDocument {
  const schemasDir = options.schemasDir ?? projectPath('schemas');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Southwest alliance 跨省通办 routing gateway',
      version: options.version,
      description: DESCRIPTION,
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: TAGS,
    security: SIGNED,
    paths: routePaths(options.routes, {
      [ENVELOPE_COMPONENT]: submitExamples(options.registry),
    }),
    webhooks: callbackWebhooks(),
    components: {
      schemas: {
        ...apiSchemas(),
        ...callbackSchemas(),
        ...requestComponents(options.routes),
        [ENVELOPE_COMPONENT]: envelopeComponent(schemasDir),
        ...defsComponents(readSchemaFile('defs.schema.json', schemasDir)),
        ...itemComponents(options.registry),
      },
      responses: responseComponents(),
      parameters: parameterComponents(),
      headers: headerComponents(),
      securitySchemes: securitySchemes(),
    },
  };
}
