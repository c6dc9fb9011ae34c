// The compiled catalogue: every published item version's schema, checked and compiled ONCE at
// start (gateway/README.md#compile-once), plus the envelope validator and the submission stages. It
// refuses to build, naming every offending item and rule, rather than serve a catalogue with one
// bad item: a schema that lets an unbounded string through is a hole in every province behind the
// gateway.
//
// Use from the submit use case (gateway/README.md#validation-order), which reads top to bottom and
// lets the one problem+json mapper answer the refusal (SubmissionRejectedError is a GatewayError):
//   const { item, envelope } = registry.validateSubmission(body);   // throws 404/422
//   const route = resolveRoute(item, envelope, …);                  // then store → enqueue
import type { ValidateFunction } from 'ajv';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectPath } from '../shared/project-root.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import type { CatalogueItem } from './catalogue-item.ts';
import { loadCatalogue } from './catalogue-loader.ts';
import { compileItem, type RegisteredItem } from './compile-item.ts';
import { createAjv, DEFS_ID, ENVELOPE_ID } from './create-ajv.ts';
import { unannotatedPersonalFields, unannotatedProblem } from '../personal-data/personal-check.ts';
import type { ItemExamples } from './item-files.ts';
import type { CompiledResult } from './result-schema.ts';
import { CROSS_FIELD_RULES } from './rules/rule-catalogue.ts';
import type { CrossFieldRule, RuleContext } from './rules/cross-field-rule.ts';
import { chinaDate } from '../calendar/working-days.ts';
import type { DivisionTables } from '../divisions/load-division-table.ts';
import type { SubmissionEnvelope } from './submission-envelope.ts';
import { validateSubmission, type ValidSubmission } from './validate-submission.ts';

export interface SchemaRegistryOptions {
  /** Current division tables (member: routing's; national: all of China), for keywords and rules. */
  divisions: DivisionTables;
  /** The clock "today" (China calendar) is read from; default the system clock. */
  now?: () => Date;
  /** The cross-field rules items may name; default every rule in rules/. */
  rules?: ReadonlyMap<string, CrossFieldRule>;
  /** Published item versions; default: <schemasDir>/catalogue.json through loadCatalogue. */
  items?: readonly CatalogueItem[];
  /** Holds defs.schema.json, envelope.schema.json and items/; default <root>/schemas. */
  schemasDir?: string;
}

export interface RegistryCounts {
  /** Distinct item codes. */
  readonly items: number;
  /** Compiled item versions (≥ items). */
  readonly versions: number;
  readonly departments: number;
  readonly national: number;
  readonly regional: number;
}

type Versions = ReadonlyMap<number, RegisteredItem>;

export class SchemaRegistry {
  /** Time to read, check and compile every item schema and the envelope, in milliseconds. */
  readonly compileMs: number;
  readonly counts: RegistryCounts;
  readonly #byCode: ReadonlyMap<string, Versions>;
  readonly #latest: readonly CatalogueItem[];
  readonly #envelope: ValidateFunction<SubmissionEnvelope>;
  readonly #ruleContext: RuleContext;

  constructor(
    byCode: ReadonlyMap<string, Versions>,
    envelope: ValidateFunction<SubmissionEnvelope>,
    compileMs: number,
    ruleContext: RuleContext,
  ) {
    this.#byCode = byCode;
    this.#envelope = envelope;
    this.#ruleContext = ruleContext;
    this.compileMs = compileMs;
    const latest = [...byCode.keys()].map((code) => this.#entry(code)!.item);
    this.#latest = Object.freeze(latest);
    this.counts = Object.freeze({
      items: byCode.size,
      versions: [...byCode.values()].reduce((n, versions) => n + versions.size, 0),
      departments: new Set(latest.map((i) => i.department)).size,
      national: latest.filter((i) => i.scope === 'national').length,
      regional: latest.filter((i) => i.scope === 'regional').length,
    });
  }

  /** One published version; without `version`, the latest published one. */
  #entry(code: string, version?: number): RegisteredItem | undefined {
    const versions = this.#byCode.get(code);
    if (!versions) return undefined;
    return versions.get(version ?? Math.max(...versions.keys()));
  }

  item(code: string, version?: number): CatalogueItem | undefined {
    return this.#entry(code, version)?.item;
  }

  /** The latest published version of every item, in catalogue order. */
  items(): readonly CatalogueItem[] {
    return this.#latest;
  }

  validatorFor(code: string, version?: number): ValidateFunction | undefined {
    return this.#entry(code, version)?.validate;
  }

  /** The compiled item: its schema validator and cross-field rules. */
  compiledItem(code: string, version?: number): RegisteredItem | undefined {
    return this.#entry(code, version);
  }

  /** What the cross-field rules read besides the submission (division tables, today). */
  get ruleContext(): RuleContext {
    return this.#ruleContext;
  }

  /** The item's payload schema as published (frozen), for GET /v1/catalogue/items/{code}. */
  schemaFor(code: string, version?: number): Readonly<Record<string, unknown>> | undefined {
    return this.#entry(code, version)?.schema;
  }

  /** The item version's typed result (schemas/README.md#result-schemas), if it declares one. */
  resultFor(code: string, version?: number): CompiledResult | undefined {
    return this.#entry(code, version)?.result;
  }

  /** The shared definitions the item version's schema references (referenced-definitions.ts). */
  definitionsFor(code: string, version?: number): Readonly<Record<string, unknown>> | undefined {
    return this.#entry(code, version)?.definitions;
  }

  examplesFor(code: string, version?: number): ItemExamples | undefined {
    return this.#entry(code, version)?.examples;
  }

  envelopeValidator(): ValidateFunction<SubmissionEnvelope> {
    return this.#envelope;
  }

  /**
   * Envelope → identifiers → item → payload (validate-submission.ts). Returns the narrowed
   * envelope and the item version it is for; throws SubmissionRejectedError (a GatewayError
   * with `stage` and `errors`) on the first stage that fails.
   */
  validateSubmission(body: unknown): ValidSubmission {
    return validateSubmission(
      {
        envelope: this.#envelope,
        versionsOf: (code) => this.#byCode.get(code),
        ruleContext: this.#ruleContext,
      },
      body,
    );
  }
}

/** Builds the registry or throws CatalogueInvalidError listing every offending item and rule. */
export function createSchemaRegistry(options: SchemaRegistryOptions): SchemaRegistry {
  const schemasDir = options.schemasDir ?? projectPath('schemas');
  const items = options.items ?? loadCatalogue(join(schemasDir, 'catalogue.json'));
  const started = performance.now();
  const now = options.now ?? (() => new Date());
  const ajv = createAjv({ divisions: options.divisions, now, schemasDir });
  const rules = options.rules ?? CROSS_FIELD_RULES;
  const envelope = ajv.getSchema<SubmissionEnvelope>(ENVELOPE_ID);
  if (!envelope) throw new CatalogueInvalidError('schema registry', [`${ENVELOPE_ID} missing`]);

  const byCode = new Map<string, Map<number, RegisteredItem>>();
  // The envelope's own personal fields are held to the same rule as every item's.
  const defs = (ajv.getSchema(DEFS_ID)?.schema ?? {}) as Record<string, unknown>;
  const problems = unannotatedPersonalFields(envelope.schema as Record<string, unknown>, {
    defs,
  }).map((f) => `envelope.schema.json: ${unannotatedProblem(f)}`);
  for (const item of items) {
    const result = compileItem(ajv, schemasDir, item, rules);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => `${item.code} v${item.version}: ${p}`));
      continue;
    }
    const versions = byCode.get(item.code) ?? new Map<number, RegisteredItem>();
    byCode.set(item.code, versions.set(item.version, result.entry));
  }
  if (problems.length > 0) {
    const offenders = new Set(problems.map((p) => p.split(':')[0])).size;
    throw new CatalogueInvalidError(
      `schema registry refused to build: ${offenders} of ${items.length} item versions fail`,
      problems,
    );
  }
  return new SchemaRegistry(
    byCode,
    envelope as ValidateFunction<SubmissionEnvelope>,
    performance.now() - started,
    { divisions: options.divisions, today: () => chinaDate(now()) },
  );
}
