// Compiles item versions into registry entries and remembers them, so a reload compiles only the
// versions whose digest it has not seen (gateway/README.md#live-reload): one ajv instance for the
// life of the process, the shared definitions and envelope compiled once, each item version once.
// A version is immutable, so after start a reload usually compiles just the one just published.
import type { ValidateFunction } from 'ajv';
import { chinaDate } from '../calendar/working-days.ts';
import type { DivisionTables } from '../divisions/load-division-table.ts';
import { unannotatedPersonalFields, unannotatedProblem } from '../personal-data/personal-check.ts';
import { projectPath } from '../shared/project-root.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import { compileItem, type RegisteredItem } from './compile-item.ts';
import { sharedDocuments } from './item-schema-checks.ts';
import { compileSharedDefinitions, createAjv, ENVELOPE_ID } from './create-ajv.ts';
import { itemSchemaId } from './item-files.ts';
import { compilePerDigest, type ItemSource } from './item-source.ts';
import { resultSchemaId } from './result-schema.ts';
import { CROSS_FIELD_RULES } from './rules/rule-catalogue.ts';
import type { CrossFieldRule, RuleContext } from './rules/cross-field-rule.ts';
import type { SubmissionEnvelope } from './submission-envelope.ts';

export interface CompilerOptions {
  /** Current division tables (member: routing's; national: all of China), for keywords and rules. */
  divisions: DivisionTables;
  /** The clock "today" (China calendar) is read from; default the system clock. */
  now?: () => Date;
  /** The cross-field rules items may name; default every rule in rules/. */
  rules?: ReadonlyMap<string, CrossFieldRule>;
  /** Holds defs.schema.json and envelope.schema.json; default <root>/schemas. */
  schemasDir?: string;
}

export type CompiledVersions = ReadonlyMap<string, ReadonlyMap<number, RegisteredItem>>;

export interface CompileOutcome {
  /** Every source's entry, by code then version, in the order of the sources. */
  readonly byCode: CompiledVersions;
  /** Problems of the sources that did not compile (their entries are absent). */
  readonly problems: readonly string[];
  /** How many item versions this call compiled (the rest were already compiled). */
  readonly compiled: number;
  readonly ms: number;
}

export interface CatalogueCompiler {
  readonly envelope: ValidateFunction<SubmissionEnvelope>;
  readonly ruleContext: RuleContext;
  readonly now: () => Date;
  compile(sources: readonly ItemSource[]): CompileOutcome;
}

export function createCatalogueCompiler(options: CompilerOptions): CatalogueCompiler {
  const schemasDir = options.schemasDir ?? projectPath('schemas');
  const now = options.now ?? (() => new Date());
  const ajv = createAjv({ divisions: options.divisions, now, schemasDir });
  compileSharedDefinitions(ajv);
  const rules = options.rules ?? CROSS_FIELD_RULES;
  const envelope = ajv.getSchema<SubmissionEnvelope>(ENVELOPE_ID);
  if (!envelope) throw new CatalogueInvalidError('schema registry', [`${ENVELOPE_ID} missing`]);
  // The envelope's own personal fields are held to the same rule as every item's.
  const shared = sharedDocuments(ajv);
  const envelopeProblems = unannotatedPersonalFields(shared.envelope, shared).map(
    (f) => `envelope.schema.json: ${unannotatedProblem(f)}`,
  );
  if (envelopeProblems.length > 0)
    throw new CatalogueInvalidError('schema registry refused to build', envelopeProblems);

  return {
    envelope: envelope as ValidateFunction<SubmissionEnvelope>,
    ruleContext: { divisions: options.divisions, today: () => chinaDate(now()) },
    now,
    compile: compilePerDigest((source) => {
      const { code, version } = source.item;
      // A schema's $id can be registered once: a changed source replaces the old one.
      ajv.removeSchema(itemSchemaId(code, version));
      ajv.removeSchema(resultSchemaId(code, version));
      const result = compileItem(ajv, source, rules, shared);
      if (!result.ok) {
        ajv.removeSchema(itemSchemaId(code, version));
        ajv.removeSchema(resultSchemaId(code, version));
      }
      return result;
    }),
  };
}
