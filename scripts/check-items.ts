// Developer check for item schemas: `npm run catalogue:check -- SW-005 GA-001` (no codes = all).
// Builds the registry the gateway would build (strict compile, bounded-size, title and
// division-table rules, personal-data annotations, cross-field rules checked against the
// schemas), then runs every valid example through the whole validation (envelope, identifiers,
// payload schema, cross-field rules) and every invalid example, which must fail at its pointer
// with its keyword or rule name (gateway/catalogue/example-checks.ts, as for an operator's draft).
import { CatalogueInvalidError } from '../gateway/catalogue/catalogue-error.ts';
import { exampleProblems } from '../gateway/catalogue/example-checks.ts';
import { loadCatalogue } from '../gateway/catalogue/catalogue-loader.ts';
import type { CatalogueItem } from '../gateway/catalogue/catalogue-item.ts';
import { createSchemaRegistry, type SchemaRegistry } from '../gateway/catalogue/schema-registry.ts';
import { SubmissionRejectedError } from '../gateway/catalogue/submission-rejected-error.ts';
import { loadDivisionTables } from '../gateway/divisions/load-division-table.ts';
import type { FieldProblem } from '../gateway/shared/errors.ts';

const divisions = loadDivisionTables();
const wanted = process.argv.slice(2);
const catalogue = loadCatalogue().filter((i) => !wanted.length || wanted.includes(i.code));
const label = (item: CatalogueItem) => `${item.code} v${item.version}`;
let failures = 0;
const fail = (item: CatalogueItem, msg: string) => {
  failures++;
  console.log(`✗ ${label(item)}: ${msg}`);
};

// The registry refuses the whole catalogue when one item is bad: report those items, then check
// the examples of the others with a registry built from them alone.
let registry: SchemaRegistry;
let refused = new Set<string>();
try {
  registry = createSchemaRegistry({ divisions, items: catalogue });
} catch (error) {
  if (!(error instanceof CatalogueInvalidError)) throw error;
  for (const problem of error.problems) console.log(`✗ ${problem}`);
  failures += error.problems.length;
  refused = new Set(error.problems.map((p) => p.split(':')[0]!));
  registry = createSchemaRegistry({
    divisions,
    items: catalogue.filter((i) => !refused.has(label(i))),
  });
}

function problemsOf(body: unknown): FieldProblem[] {
  try {
    registry.validateSubmission(body);
    return [];
  } catch (error) {
    if (error instanceof SubmissionRejectedError) return error.errors;
    throw error;
  }
}

for (const item of catalogue) {
  if (refused.has(label(item))) continue;
  const examples = registry.examplesFor(item.code, item.version)!;
  for (const problem of exampleProblems(item, examples, problemsOf)) fail(item, problem.message);
}
console.log(`${catalogue.length} items checked, ${failures} problems`);
process.exitCode = failures ? 1 : 0;
