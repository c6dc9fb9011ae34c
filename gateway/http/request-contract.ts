// A request body or query the API accepts, as a JSON Schema: the route table (api-route.ts) names
// it on the route, the edge validates against it before the handler runs
// (request-validation.ts), and OpenAPI publishes it (openapi/route-paths.ts) — one text for all
// three. T is the type the handler receives, derived from the schema where it is declared
// (json-schema-to-ts FromSchema), so no hand-written interface can drift from it.
export interface RequestContract<T> {
  readonly in: 'body' | 'query';
  /**
   * OpenAPI component a body is published as (#/components/schemas/<component>). Query schemas
   * are published as the operation's query parameters, one per property.
   */
  readonly component: string;
  /**
   * JSON Schema 2020-12, compiled once by the gateway's request ajv. Absent only for the
   * submission envelope, which the submit use case validates in stages (envelope → identifiers →
   * payload, each with its own error code) against schemas/envelope.schema.json, the same file
   * OpenAPI publishes as the `envelope` component.
   */
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Type only: what a valid value is. */
  readonly valueType?: T;
}
