// The one ajv set-up for the gateway: draft 2020-12, strict, all errors of a stage reported
// together (gateway/README.md#validation-order), standard formats and our keywords. createAjv adds
// the identifier keywords, the cross-field rule list (an annotation here; rules/compile-rules.ts
// checks and runs it), the typed result (an annotation here; result-schema.ts compiles it), the
// personal-data annotation `x-personal` (gateway/personal-data/) and the catalogue's shared
// schemas; the division tables and the clock are
// injected, so the registry decides which tables are current and what day it is in China.
// createRequestAjv is its sibling for the API's own request bodies and queries
// (gateway/http/request-validation.ts), with the same options and generic keywords.
import type { Options } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { SharedMetaAjv } from '../shared/shared-meta-ajv.ts';
import fastUriModule from 'ajv/dist/runtime/uri.js';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATE_TIME_FORMAT } from './date-time-format.ts';
import { creditCodeKeyword } from './keywords/credit-code.ts';
import { divisionCodeKeyword } from './keywords/division-code.ts';
import { idNumberKeyword } from './keywords/id-number.ts';
import { maxJsonLengthKeyword } from './keywords/max-json-length.ts';
import { orderedPeriodKeyword } from './keywords/ordered-period.ts';
import { taxAuthorityCodeKeyword } from './keywords/tax-authority-code.ts';
import { taxpayerIdKeyword } from './keywords/taxpayer-id.ts';
import { personalKeyword } from '../personal-data/personal-kind.ts';
import { escapeToken } from '../shared/json-pointer.ts';
import { projectPath } from '../shared/project-root.ts';
import { chinaDate } from '../calendar/working-days.ts';
import type { DivisionTables } from '../divisions/load-division-table.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
// ajv's own URI resolver (fast-uri), CommonJS in the same way.
const fastUri = fastUriModule.default;
type UriResolver = NonNullable<Options['uriResolver']>;

// A base ajv can resolve by its directory alone: absolute, with an authority, a path, no query or
// fragment. A reference it may do so for: a relative path (a first segment, without a scheme).
const DIRECTORY_BASE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/[^?#]*$/i;
const RELATIVE_PATH = /^[^:/?#]+(?:[/?#]|$)/;

/**
 * ajv resolves every $ref against the referring schema's $id (fast-uri: parse both, merge,
 * serialize) before it can look the target up: about 2 000 resolutions when the catalogue
 * compiles, nearly all `../defs.schema.json#/$defs/…` from a file in items/, a few per cent of the
 * start. A relative-path reference resolves against its base's scheme, authority and directory
 * only (RFC 3986 §5.2.2), so its answer is kept by directory and reference; anything else goes to
 * fast-uri every time. One memory per ajv instance.
 */
export function rememberingUriResolver(): UriResolver {
  const byDirectory = new Map<string, Map<string, string>>();
  return {
    parse: (uri) => fastUri.parse(uri),
    serialize: (component) => fastUri.serialize(component),
    resolve: (base, ref) => {
      if (!DIRECTORY_BASE.test(base) || !RELATIVE_PATH.test(ref)) return fastUri.resolve(base, ref);
      const directory = base.slice(0, base.lastIndexOf('/') + 1);
      let known = byDirectory.get(directory);
      if (!known) byDirectory.set(directory, (known = new Map<string, string>()));
      let resolved = known.get(ref);
      if (resolved === undefined) {
        resolved = fastUri.resolve(base, ref);
        known.set(ref, resolved);
      }
      return resolved;
    },
  };
}

export const SCHEMA_BASE = 'https://swgw.example/schemas/';
export const DEFS_ID = `${SCHEMA_BASE}defs.schema.json`;
export const ENVELOPE_ID = `${SCHEMA_BASE}envelope.schema.json`;

/** Keywords whose failures are identifier checks (the second validation stage). */
export const IDENTIFIER_KEYWORDS: ReadonlySet<string> = new Set([
  'creditCode',
  'idNumber',
  'taxpayerId',
  'taxAuthorityCode',
  'divisionCode',
]);

export interface AjvDeps {
  /** member: routing's table; national: all of China (payload fields that name a place). */
  divisions: DivisionTables;
  /** The clock "today" is read from, on the China calendar (default: the system clock). */
  now?: () => Date;
  /** Directory holding defs.schema.json and envelope.schema.json (default: <root>/schemas). */
  schemasDir?: string;
  /** Those two documents as already read and parsed (default: read from schemasDir). */
  sharedSchemas?: SharedSchemas;
}

/** The shared definitions and the envelope, the schemas every item version's checks build on. */
export interface SharedSchemas {
  readonly defs: Record<string, unknown>;
  readonly envelope: Record<string, unknown>;
}

/** The item schema keyword holding its cross-field rules (rules/cross-field-rule.ts). */
export const RULES_KEYWORD = 'crossFieldRules';

/** The item schema keyword holding its typed result (result-schema.ts compiles it on its own). */
export const RESULT_KEYWORD = 'resultSchema';

// Each entry names a rule and gives its parameters as JSON pointers (rules/cross-field-rule.ts).
const RULES_META_SCHEMA = {
  type: 'array',
  maxItems: 50,
  items: {
    type: 'object',
    properties: { rule: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
    required: ['rule'],
    // A pointer, a literal, or (for parameters that take many values) a list of pointers.
    additionalProperties: {
      anyOf: [
        { type: 'string', maxLength: 200 },
        { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 200 } },
      ],
    },
  },
};

export function readSchemaFile(
  relativePath: string,
  schemasDir = projectPath('schemas'),
): Record<string, unknown> {
  return JSON.parse(readFileSync(join(schemasDir, relativePath), 'utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * Options that change only the code ajv generates, never what a validator accepts or the errors it
 * reports (code-shape.test.ts runs the catalogue's examples and their mutations through both).
 * Start-up compiles ~150 item schemas (schema-registry.ts), and generating that code is most of
 * it (gateway/README.md#catalogue-compile-at-start):
 * - ajv's optimiser pass costs more than the smaller code saves (measured: ~45 % less compile
 *   time, no measurable change per validation);
 * - shared definitions compiled once instead of inlined into every item keep the generated code
 *   ~30 % smaller;
 * - a `required` list of two or more names is checked by a loop over the list instead of one
 *   unrolled check and error literal per name: 2 820 required checks were a third of the
 *   catalogue's generated error code; the loop reports the same errors in the same order, and the
 *   catalogue's code is 13.5 % smaller (2 is the smallest: a one-name list is smaller unrolled).
 */
export const CODE_SHAPE: Readonly<Options> = Object.freeze({
  code: { optimize: false },
  inlineRefs: false,
  loopRequired: 2,
});

/** The options and generic keywords; alone, it validates the API's request bodies and queries. */
export function createRequestAjv(codeShape: Readonly<Options> = CODE_SHAPE): Ajv2020 {
  const ajv = new SharedMetaAjv({
    strict: true,
    // Conditional branches (if/then) require properties declared by the parent schema, which
    // strictRequired reports as undefined; every other strict check stays on.
    strictRequired: false,
    allErrors: true,
    // Coercion and defaults would silently change what the portal sent; the record keeps it as is.
    coerceTypes: false,
    useDefaults: false,
    ...codeShape,
    uriResolver: rememberingUriResolver(),
  });
  addFormats(ajv, ['date', 'email', 'uri']);
  ajv.addFormat('date-time', DATE_TIME_FORMAT);
  ajv.addKeyword(maxJsonLengthKeyword);
  return ajv;
}

/** `codeShape`: CODE_SHAPE, or (code-shape.test.ts) the options it is compared with. */
export function createAjv(deps: AjvDeps, codeShape: Readonly<Options> = CODE_SHAPE): Ajv2020 {
  const ajv = createRequestAjv(codeShape);
  const now = deps.now ?? (() => new Date());
  const today = () => chinaDate(now());
  ajv.addKeyword(creditCodeKeyword);
  ajv.addKeyword(idNumberKeyword(today));
  ajv.addKeyword(taxpayerIdKeyword(today));
  ajv.addKeyword(taxAuthorityCodeKeyword(deps.divisions));
  ajv.addKeyword(divisionCodeKeyword(deps.divisions));
  ajv.addKeyword(orderedPeriodKeyword(today));
  ajv.addKeyword({ keyword: RULES_KEYWORD, schemaType: 'array', metaSchema: RULES_META_SCHEMA });
  ajv.addKeyword(personalKeyword);
  ajv.addKeyword({ keyword: RESULT_KEYWORD, schemaType: 'object' });
  ajv.addSchema(deps.sharedSchemas?.defs ?? readSchemaFile('defs.schema.json', deps.schemasDir));
  ajv.addSchema(
    deps.sharedSchemas?.envelope ?? readSchemaFile('envelope.schema.json', deps.schemasDir),
  );
  return ajv;
}

// ajv keeps the function it compiled for a $ref's target per referring schema, so left alone every
// item version compiled again each shared definition it names (`../defs.schema.json#/$defs/date`:
// about 2 000 references across the 148 versions, two thirds of the start's compile time). A
// fragment asked for by its full URI is compiled and kept in the ajv instance itself, which is
// where resolving a $ref looks first: compiled here, each definition is one function that the
// envelope and every item version call. The code is the one ajv generates for the definition
// either way, so what a submission is told does not change. A definition that does not compile
// is left to the item versions that use it, which report it as before.
export function compileSharedDefinitions(ajv: Ajv2020): void {
  const defs = (ajv.getSchema(DEFS_ID)?.schema ?? {}) as { $defs?: Record<string, unknown> };
  for (const name of Object.keys(defs.$defs ?? {})) {
    const token = encodeURIComponent(escapeToken(name));
    try {
      ajv.getSchema(`${DEFS_ID}#/$defs/${token}`);
    } catch {
      continue;
    }
  }
}
