// Every ajv instance checks each schema it is given against the JSON Schema 2020-12 meta-schema,
// and compiles that meta-schema (eight documents, about 70 KB of generated code) for itself the
// first time: 15–50 ms of CPU each at a cold start. A gateway process made eleven instances (its
// config, case records, routes, clients, supervision policy, catalogue metadata, request bodies,
// the catalogue itself), a worker as many, and operators' draft validations one more
// (README.md#process-start; one for every draft then, one per 50 drafts since draft-ajv.ts). SharedMetaAjv is ajv's Ajv2020 that leaves that check to one
// meta-schema validator per process, compiled once, whenever its answer is the one the instance
// would have given itself: the schema names the 2020-12 meta-schema or none, and the instance's
// options that shape what the check reports are those of the shared validator (all errors, ajv's
// messages, no $data; one validator for each strictNumbers setting, which decides whether a number
// in a schema may be Infinity). Anything else — another draft's $schema, other options — is
// checked by the instance as before. Nothing else changes: what a schema compiles to, the keywords' own
// meta-schemas (ajv checks those at compile time, by the instance), and the error thrown for an
// invalid schema ("schema is invalid: …", built from the same errors the same way).
import type { AnySchema } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createRequire } from 'node:module';
import { jsonEqual } from './json-equal.ts';

// ajv's compare for uniqueItems, enum and const is the `default` of its runtime module, read when
// a schema is compiled: every ajv of the process is made here, so this runs before any compile.
// fast-deep-equal's throws on a parsed object with its own `valueOf` (json-equal.ts says why).
// Required, not imported: the module ajv itself requires (an import's default is that module's
// exports object under Node but its `default` under the test runner's loader).
const ajvEqual = createRequire(import.meta.url)('ajv/dist/runtime/equal.js') as {
  default: { code: string };
};
ajvEqual.default = Object.assign(jsonEqual, { code: ajvEqual.default.code });

const META_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

const checkers = new Map<boolean, Ajv2020>();

/** The process's meta-schema validator for this strictNumbers setting, made at its first use. */
function metaChecker(strictNumbers: boolean): Ajv2020 {
  let checker = checkers.get(strictNumbers);
  if (!checker)
    checkers.set(strictNumbers, (checker = new Ajv2020({ allErrors: true, strictNumbers })));
  return checker;
}

export class SharedMetaAjv extends Ajv2020 {
  override validateSchema(schema: AnySchema, throwOrLogError?: boolean): boolean {
    if (!this.sharesMetaChecker(schema))
      return super.validateSchema(schema, throwOrLogError) as boolean;
    const checker = metaChecker(this.opts.strictNumbers as boolean);
    const valid = checker.validateSchema(schema) as boolean;
    this.errors = checker.errors;
    if (!valid && throwOrLogError) throw new Error(`schema is invalid: ${this.errorsText()}`);
    return valid;
  }

  /** Whether the shared validator answers exactly as this instance's own check would. */
  private sharesMetaChecker(schema: AnySchema): boolean {
    if (typeof schema !== 'object') return false;
    const $schema = (schema as { $schema?: unknown }).$schema;
    if ($schema !== undefined && $schema !== META_SCHEMA_2020) return false;
    const o = this.opts;
    return (
      o.validateSchema === true &&
      typeof o.strictNumbers === 'boolean' &&
      o.allErrors === true &&
      o.defaultMeta === undefined &&
      o.meta === true &&
      !o.$data &&
      o.messages !== false &&
      !o.verbose &&
      o.unicodeRegExp !== false &&
      o.code.regExp === metaChecker(true).opts.code.regExp &&
      !o.ownProperties &&
      !o.jsPropertySyntax &&
      o.schemaId === '$id'
    );
  }
}
