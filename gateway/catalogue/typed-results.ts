// The catalogue's typed results alone (schemas/README.md#result-schemas), for a process that
// applies province events but validates no submissions: the worker, whose status queries of
// silent provinces bring events with results (gateway/README.md#silence-reconciliation). Each
// item's resultSchema is compiled exactly as the schema registry compiles it (result-schema.ts),
// without compiling the payload schemas the worker never uses.
import { join } from 'node:path';
import type { DivisionTables } from '../divisions/load-division-table.ts';
import { projectPath } from '../shared/project-root.ts';
import type { ResultSchemas } from '../cases/event-result.ts';
import { CatalogueInvalidError } from './catalogue-error.ts';
import type { CatalogueItem } from './catalogue-item.ts';
import { loadCatalogue } from './catalogue-loader.ts';
import { createAjv } from './create-ajv.ts';
import { itemSchemaFile, readJson } from './item-files.ts';
import { compileResultSchema, type CompiledResult } from './result-schema.ts';

export interface TypedResultsOptions {
  divisions: DivisionTables;
  items?: readonly CatalogueItem[];
  schemasDir?: string;
}

export function loadTypedResults(options: TypedResultsOptions): ResultSchemas {
  const schemasDir = options.schemasDir ?? projectPath('schemas');
  const items = options.items ?? loadCatalogue(join(schemasDir, 'catalogue.json'));
  const ajv = createAjv({ divisions: options.divisions, schemasDir });
  const results = new Map<string, CompiledResult>();
  const problems: string[] = [];
  for (const item of items) {
    const read = readJson(schemasDir, itemSchemaFile(item.code, item.version));
    if (!read.ok || typeof read.value !== 'object' || read.value === null) continue;
    const compiled = compileResultSchema(
      ajv,
      item.code,
      item.version,
      read.value as Record<string, unknown>,
    );
    if (!compiled.ok)
      problems.push(...compiled.problems.map((p) => `${item.code} v${item.version}: ${p}`));
    else if (compiled.result) results.set(`${item.code}@${item.version}`, compiled.result);
  }
  if (problems.length > 0)
    throw new CatalogueInvalidError('typed results refused to load', problems);
  const latest = new Map(items.map((i) => [i.code, i.version]));
  for (const i of items) latest.set(i.code, Math.max(latest.get(i.code) ?? 0, i.version));
  return {
    resultFor: (code, version) => results.get(`${code}@${version ?? latest.get(code)}`),
  };
}
