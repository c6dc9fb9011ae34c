// The patterns a schema checks values against, by their pointer in the schema: what a refusal can
// quote (pattern-words.test.ts, item-pattern-words.test.ts). A pattern inside an `if` only
// chooses a branch and is never reported; `examples`, `enum`, `const` and `default` hold data.
const SKIPPED = new Set(['if', 'examples', 'enum', 'const', 'default']);
// Members of these are names chosen by the schema's author (a property may be called "if").
const NAMED = new Set(['properties', '$defs', 'definitions', 'dependentSchemas']);

export function patternsOf(
  schema: unknown,
  at = '',
  named = false,
): [at: string, pattern: string][] {
  if (schema === null || typeof schema !== 'object') return [];
  const own = named ? undefined : (schema as { pattern?: unknown }).pattern;
  const here: [string, string][] = typeof own === 'string' ? [[at, own]] : [];
  return here.concat(
    Object.entries(schema)
      .filter(([key]) => named || !SKIPPED.has(key))
      .flatMap(([key, value]) => patternsOf(value, `${at}/${key}`, !named && NAMED.has(key))),
  );
}
