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
import {
  createCatalogueCompiler,
  type CatalogueCompiler,
  type CompiledVersions,
  type CompilerOptions,
} from './catalogue-compiler.ts';
import type { RegisteredItem } from './compile-item.ts';
import type { CatalogueBuilder } from './live-catalogue.ts';
import type { CatalogueState } from './published/catalogue-store.ts';
import type { ItemExamples } from './item-files.ts';
import { sourcesFromFiles, versionKey, type ItemSource } from './item-source.ts';
import type { CompiledResult } from './result-schema.ts';
import type { RuleContext } from './rules/cross-field-rule.ts';
import type { SubmissionEnvelope } from './submission-envelope.ts';
import { validateSubmission, type ValidSubmission } from './validate-submission.ts';

export interface SchemaRegistryOptions extends CompilerOptions {
  /** Published item versions; default: <schemasDir>/catalogue.json through loadCatalogue. */
  items?: readonly CatalogueItem[];
  /** Or their sources as the catalogue stores them (item-source.ts); wins over items. */
  sources?: readonly ItemSource[];
}

/** One snapshot of the published catalogue, as a registry is built from it. */
export interface RegistrySnapshot {
  readonly byCode: CompiledVersions;
  readonly envelope: ValidateFunction<SubmissionEnvelope>;
  readonly compileMs: number;
  readonly ruleContext: RuleContext;
  /** The catalogue revision it shows (0: compiled from files, not read from the catalogue). */
  readonly revision?: number;
  /** `code@version` → when that version stops being accepted (ISO instant). */
  readonly sunsets?: ReadonlyMap<string, string>;
  /** The clock sunsets are compared with. */
  readonly now?: () => Date;
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

export class SchemaRegistry {
  /** Time to read, check and compile the item schemas this snapshot needed, in milliseconds. */
  readonly compileMs: number;
  readonly counts: RegistryCounts;
  /** The catalogue revision served (monotonic; 0 when compiled straight from files). */
  readonly revision: number;
  readonly #byCode: CompiledVersions;
  readonly #latest: readonly CatalogueItem[];
  readonly #envelope: ValidateFunction<SubmissionEnvelope>;
  readonly #ruleContext: RuleContext;
  readonly #sunsets: ReadonlyMap<string, string>;
  readonly #now: () => Date;

  constructor(snapshot: RegistrySnapshot) {
    const { byCode } = snapshot;
    this.#byCode = byCode;
    this.#envelope = snapshot.envelope;
    this.#ruleContext = snapshot.ruleContext;
    this.#sunsets = snapshot.sunsets ?? new Map();
    this.#now = snapshot.now ?? (() => new Date());
    this.compileMs = snapshot.compileMs;
    this.revision = snapshot.revision ?? 0;
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

  /** Every published version of an item, oldest first (an empty list for an unknown code). */
  versions(code: string): readonly CatalogueItem[] {
    const versions = this.#byCode.get(code);
    if (!versions) return [];
    return [...versions.values()].map((v) => v.item).sort((a, b) => a.version - b.version);
  }

  /** When a version stops being accepted (ISO instant), if it has a sunset. */
  sunsetOf(code: string, version: number): string | undefined {
    return this.#sunsets.get(versionKey(code, version));
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
        sunsetOf: (code, version) => this.sunsetOf(code, version),
        now: this.#now,
      },
      body,
    );
  }
}

/** Builds the registry or throws CatalogueInvalidError listing every offending item and rule. */
export function createSchemaRegistry(options: SchemaRegistryOptions): SchemaRegistry {
  const schemasDir = options.schemasDir ?? projectPath('schemas');
  const sources =
    options.sources ??
    sourcesFromFiles(
      schemasDir,
      options.items ?? loadCatalogue(join(schemasDir, 'catalogue.json')),
    );
  const started = performance.now();
  return compileRegistry(createCatalogueCompiler({ ...options, schemasDir }), sources, started);
}

/** Every source compiled into a registry (revision 0), or CatalogueInvalidError naming each. */
export function compileRegistry(
  compiler: CatalogueCompiler,
  sources: readonly ItemSource[],
  started = performance.now(),
): SchemaRegistry {
  const outcome = compiler.compile(sources);
  if (outcome.problems.length > 0) {
    const offenders = new Set(outcome.problems.map((p) => p.split(':')[0])).size;
    throw new CatalogueInvalidError(
      `schema registry refused to build: ${offenders} of ${sources.length} item versions fail`,
      outcome.problems,
    );
  }
  return new SchemaRegistry({
    byCode: outcome.byCode,
    envelope: compiler.envelope,
    compileMs: performance.now() - started,
    ruleContext: compiler.ruleContext,
    now: compiler.now,
  });
}

/**
 * What a gateway builds of each published revision (live-catalogue.ts): the whole registry, every
 * version compiled once by the process's compiler, the revision's sunsets applied.
 */
export function registryBuilder(compiler: CatalogueCompiler): CatalogueBuilder<SchemaRegistry> {
  const registry = (
    byCode: CompiledVersions,
    compileMs: number,
    state?: Pick<CatalogueState, 'revision' | 'sunsets'>,
  ) =>
    new SchemaRegistry({
      byCode,
      envelope: compiler.envelope,
      compileMs,
      ruleContext: compiler.ruleContext,
      revision: state?.revision,
      sunsets: state?.sunsets,
      now: compiler.now,
    });
  return {
    empty: () => registry(new Map(), 0),
    build(sources, state) {
      const outcome = compiler.compile(sources);
      return {
        built: registry(outcome.byCode, outcome.ms, state),
        problems: outcome.problems,
        compiled: outcome.compiled,
        ms: outcome.ms,
      };
    },
  };
}
