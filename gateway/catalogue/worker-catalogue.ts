// What the worker uses of the published catalogue (gateway/README.md#live-reload): each item
// version's typed result (schemas/README.md#result-schemas), since the results its status queries
// of silent provinces bring are checked as posted ones are and masked in callbacks
// (gateway/README.md#silence-reconciliation), and each version's name, which adapters send to
// provinces. The worker follows the catalogue with the gateway's LiveCatalogue and builds this of
// each revision: a result schema compiled exactly as the schema registry compiles it
// (result-schema.ts), each version once for the life of the process, and none of the payload
// validators the worker never runs — the bulk of a gateway's compile at start.
import type { ResultSchemas } from '../cases/event-result.ts';
import { chinaDate } from '../calendar/working-days.ts';
import type { DivisionTables } from '../divisions/load-division-table.ts';
import { projectPath } from '../shared/project-root.ts';
import { createAjv } from './create-ajv.ts';
import { itemSchemaFile } from './item-files.ts';
import { compilePerDigest, type ItemSource, type VersionCompiled } from './item-source.ts';
import type { CatalogueBuilder } from './live-catalogue.ts';
import { compileResultSchema, resultSchemaId, type CompiledResult } from './result-schema.ts';
import { CROSS_FIELD_RULES } from './rules/rule-catalogue.ts';
import type { RuleContext } from './rules/cross-field-rule.ts';

export interface WorkerCatalogue extends ResultSchemas {
  /** The item version's name (without a version, the latest one's); undefined when unknown. */
  itemName(code: string, version?: number): string | undefined;
}

interface WorkerEntry {
  readonly digest: string;
  readonly name: string;
  readonly result?: CompiledResult;
}

export interface WorkerCatalogueOptions {
  divisions: DivisionTables;
  /** Holds defs.schema.json, which result schemas reference; default <root>/schemas. */
  schemasDir?: string;
  /** The worker's clock: a result rule's today (rules/not-after-today.ts). */
  now?: () => Date;
}

type EntriesByCode = ReadonlyMap<string, ReadonlyMap<number, WorkerEntry>>;

function snapshot(byCode: EntriesByCode, ruleContext: RuleContext): WorkerCatalogue {
  // Without a version, the latest published one, as the schema registry answers.
  const entry = (code: string, version?: number) => {
    const versions = byCode.get(code);
    return versions?.get(version ?? Math.max(...versions.keys()));
  };
  return {
    resultFor: (code, version) => entry(code, version)?.result,
    itemName: (code, version) => entry(code, version)?.name,
    ruleContext,
  };
}

/** Compiles the versions whose digest it has not seen; a version that fails refuses the revision. */
export function workerCatalogueBuilder(
  options: WorkerCatalogueOptions,
): CatalogueBuilder<WorkerCatalogue> {
  const now = options.now ?? (() => new Date());
  const ajv = createAjv({
    divisions: options.divisions,
    schemasDir: options.schemasDir ?? projectPath('schemas'),
    now,
  });
  const ruleContext: RuleContext = { divisions: options.divisions, today: () => chinaDate(now()) };
  function compile(source: ItemSource): VersionCompiled<WorkerEntry> {
    const { code, version, name } = source.item;
    const file = itemSchemaFile(code, version);
    let schema: unknown;
    try {
      schema = JSON.parse(source.schemaText);
    } catch (error) {
      return { ok: false, problems: [`${file}: ${String(error)}`] };
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return { ok: false, problems: [`${file}: not a JSON object`] };
    // A schema's $id can be registered once: a changed source replaces the old one.
    ajv.removeSchema(resultSchemaId(code, version));
    const compiled = compileResultSchema(
      ajv,
      code,
      version,
      schema as Record<string, unknown>,
      CROSS_FIELD_RULES,
    );
    if (!compiled.ok) {
      ajv.removeSchema(resultSchemaId(code, version));
      return { ok: false, problems: compiled.problems.map((p) => `${file}: ${p}`) };
    }
    return {
      ok: true,
      entry: {
        digest: source.digest,
        name,
        ...(compiled.result ? { result: compiled.result } : {}),
      },
    };
  }

  const compileAll = compilePerDigest(compile);
  return {
    empty: () => snapshot(new Map(), ruleContext),
    build(sources) {
      const { byCode, ...outcome } = compileAll(sources);
      return { built: snapshot(byCode, ruleContext), ...outcome };
    },
  };
}
