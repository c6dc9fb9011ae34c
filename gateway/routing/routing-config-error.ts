// Routing config (alliance, route table) is validated once at start and refused as a whole with
// every problem listed (gateway/README.md#compile-once, after fastify's options), so an operator
// fixes it in one pass instead of restarting once per mistake.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export class RoutingConfigError extends Error {
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`${source} refused (${problems.length} problems):\n- ${problems.join('\n- ')}`);
    this.name = 'RoutingConfigError';
    this.source = source;
    this.problems = problems;
  }
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : '';
  return `${at} ${error.message ?? error.keyword}${extra}`;
}

/**
 * Schema problems of `data`, each as "<JSON pointer> <message>". Compiled per call: config is
 * loaded once at start, so there is nothing to cache and no module-level validator to share.
 */
export function schemaProblems(schema: Record<string, unknown>, data: unknown): string[] {
  const ajv = new SharedMetaAjv({
    strict: true,
    allErrors: true,
    coerceTypes: false,
    useDefaults: false,
  });
  addFormats(ajv, ['date']);
  const validate = ajv.compile(schema);
  return validate(data) ? [] : (validate.errors ?? []).map(describe);
}
