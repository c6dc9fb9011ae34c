// What the worker uses of the published catalogue (gateway/README.md#live-reload): each item
// version's typed result (schemas/README.md#result-schemas), since the results its status queries
// of silent provinces bring are checked as posted ones are and masked in callbacks
// (gateway/README.md#silence-reconciliation), and each version's name, which adapters send to
// provinces. The worker follows the catalogue with the gateway's LiveCatalogue and builds this of
// each revision: a result schema compiled exactly as the schema registry compiles it
// (result-schema.ts), each version once for the life of the process, and none of the payload
// validators the worker never runs — the bulk of a gateway's compile at start.
import { performance } from 'node:perf_hooks';
import type { ResultSchemas } from '../cases/event-result.ts';
import type { DivisionTables } from '../divisions/load-division-table.ts';
import { projectPath } from '../shared/project-root.ts';
import { createAjv } from './create-ajv.ts';
import { itemSchemaFile } from './item-files.ts';
import { versionKey, type ItemSource } from './item-source.ts';
import type { CatalogueBuilder } from './live-catalogue.ts';
import { compileResultSchema, resultSchemaId, type CompiledResult } from './result-schema.ts';

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
}

type EntriesByCode = ReadonlyMap<string, ReadonlyMap<number, WorkerEntry>>;

function snapshot(byCode: EntriesByCode): WorkerCatalogue {
  // Without a version, the latest published one, as the schema registry answers.
  const entry = (code: string, version?: number) => {
    const versions = byCode.get(code);
    return versions?.get(version ?? Math.max(...versions.keys()));
  };
  return {
    resultFor: (code, version) => entry(code, version)?.result,
    itemName: (code, version) => entry(code, version)?.name,
  };
}

/** Compiles the versions whose digest it has not seen; a version that fails refuses the revision. */
export function workerCatalogueBuilder(
  options: WorkerCatalogueOptions,
): CatalogueBuilder<WorkerCatalogue> {
  const ajv = createAjv({
    divisions: options.divisions,
    schemasDir: options.schemasDir ?? projectPath('schemas'),
  });
  const compiledByKey = new Map<string, WorkerEntry>();

  function compile(source: ItemSource): { entry: WorkerEntry } | { problems: string[] } {
    const { code, version, name } = source.item;
    const file = itemSchemaFile(code, version);
    let schema: unknown;
    try {
      schema = JSON.parse(source.schemaText);
    } catch (error) {
      return { problems: [`${file}: ${String(error)}`] };
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
      return { problems: [`${file}: not a JSON object`] };
    // A schema's $id can be registered once: a changed source replaces the old one.
    ajv.removeSchema(resultSchemaId(code, version));
    const compiled = compileResultSchema(ajv, code, version, schema as Record<string, unknown>);
    if (!compiled.ok) {
      ajv.removeSchema(resultSchemaId(code, version));
      return { problems: compiled.problems.map((p) => `${file}: ${p}`) };
    }
    return {
      entry: {
        digest: source.digest,
        name,
        ...(compiled.result ? { result: compiled.result } : {}),
      },
    };
  }

  return {
    empty: () => snapshot(new Map()),
    build(sources) {
      const started = performance.now();
      const byCode = new Map<string, Map<number, WorkerEntry>>();
      const problems: string[] = [];
      let compiled = 0;
      for (const source of sources) {
        const { code, version } = source.item;
        const key = versionKey(code, version);
        let entry = compiledByKey.get(key);
        if (entry?.digest !== source.digest) {
          compiled++;
          const outcome = compile(source);
          if ('problems' in outcome) {
            problems.push(...outcome.problems.map((p) => `${code} v${version}: ${p}`));
            continue;
          }
          entry = outcome.entry;
          compiledByKey.set(key, entry);
        }
        const versions = byCode.get(code) ?? new Map<number, WorkerEntry>();
        byCode.set(code, versions.set(version, entry));
      }
      return { built: snapshot(byCode), problems, compiled, ms: performance.now() - started };
    },
  };
}
