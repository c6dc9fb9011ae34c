// The registry the OpenAPI tests document: the real catalogue, compiled by the real registry, over
// whatever items have their schema files. Item schemas are still being written by other issues,
// and an item that does not compile yet is the registry's own tests' business, not the document's:
// its versions are left out (and named on stderr) so these tests check the conversion of every
// item that exists today and of every item added later.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogueInvalidError } from '../../../gateway/catalogue/catalogue-error.ts';
import type { CatalogueItem } from '../../../gateway/catalogue/catalogue-item.ts';
import { loadCatalogue } from '../../../gateway/catalogue/catalogue-loader.ts';
import { itemExamplesFile, itemSchemaFile } from '../../../gateway/catalogue/item-files.ts';
import {
  createSchemaRegistry,
  type SchemaRegistry,
} from '../../../gateway/catalogue/schema-registry.ts';
import { API_ROUTES } from '../../../gateway/api-routes.ts';
import { buildOpenApi, type OpenApiDocument } from '../../../gateway/openapi/build-openapi.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { divisions } from '../catalogue/support.ts';

const schemasDir = projectPath('schemas');

function hasFiles(item: CatalogueItem): boolean {
  return [itemSchemaFile(item.code, item.version), itemExamplesFile(item.code, item.version)].every(
    (file) => existsSync(join(schemasDir, file)),
  );
}

export function catalogueRegistry(): SchemaRegistry {
  let items = loadCatalogue().filter(hasFiles);
  try {
    return createSchemaRegistry({ divisions, items });
  } catch (error) {
    if (!(error instanceof CatalogueInvalidError)) throw error;
    const offenders = new Set(error.problems.map((p) => p.split(':')[0]));
    console.error(
      `OpenAPI tests leave out items that do not compile yet: ${[...offenders].join(', ')}`,
    );
    items = items.filter((i) => !offenders.has(`${i.code} v${i.version}`));
    return createSchemaRegistry({ divisions, items });
  }
}

export function catalogueDocument(registry = catalogueRegistry()): OpenApiDocument {
  return buildOpenApi({ routes: API_ROUTES, registry, version: '0.1.0-test' });
}

/** Resolves a local "#/…" JSON pointer in the document; undefined when it points nowhere. */
export function resolvePointer(document: unknown, ref: string): unknown {
  const parts = ref.replace(/^#\/?/, '').split('/').filter(Boolean);
  let node: unknown = document;
  for (const raw of parts) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Every value of `key` anywhere in the tree, with the JSON path where it sits. */
export function collect(tree: unknown, key: string, path = ''): { path: string; value: unknown }[] {
  if (typeof tree !== 'object' || tree === null) return [];
  const found: { path: string; value: unknown }[] = [];
  for (const [k, v] of Object.entries(tree)) {
    if (k === key) found.push({ path, value: v });
    found.push(...collect(v, key, `${path}/${k}`));
  }
  return found;
}
