// Developer check for item schemas: `npm run catalogue:check -- SW-005 GA-001` (no codes = all).
// Compiles each schema in strict mode, applies the bounded-size and title rules, runs every valid
// example (envelope + payload) and every invalid example (must fail at its pointer and keyword).
import { readFileSync, existsSync } from 'node:fs';
import { createAjv, ENVELOPE_ID, SCHEMA_BASE } from '../gateway/catalogue/create-ajv.ts';
import { checkChineseTitles, checkSchemaRules } from '../gateway/catalogue/schema-rules.ts';
import { projectPath } from '../gateway/shared/project-root.ts';

interface Example {
  description?: string;
  pointer: string;
  keyword: string;
  envelope: { itemCode: string; payload: unknown };
}

const divisions = new Set(
  (
    JSON.parse(readFileSync(projectPath('config/divisions.json'), 'utf8')) as {
      divisions: { code: string }[];
    }
  ).divisions.map((d) => d.code),
);
const ajv = createAjv({ divisionExists: (code) => divisions.has(code) });
const envelope = ajv.getSchema(ENVELOPE_ID)!;
const catalogue = (
  JSON.parse(readFileSync(projectPath('schemas/catalogue.json'), 'utf8')) as {
    items: { code: string; modes: string[]; subject: string }[];
  }
).items;
const wanted = process.argv.slice(2);
const items = wanted.length ? catalogue.filter((i) => wanted.includes(i.code)) : catalogue;
let failures = 0;
const fail = (code: string, msg: string) => {
  failures++;
  console.log(`✗ ${code}: ${msg}`);
};

for (const item of items) {
  const schemaFile = projectPath('schemas/items', `${item.code}.schema.json`);
  const examplesFile = projectPath('schemas/items', `${item.code}.examples.json`);
  if (!existsSync(schemaFile) || !existsSync(examplesFile)) {
    fail(item.code, 'schema or examples file missing');
    continue;
  }
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { $id?: string } & Record<
    string,
    never
  >;
  if (schema.$id !== `${SCHEMA_BASE}items/${item.code}.schema.json`)
    fail(item.code, `$id is ${schema.$id}`);
  for (const v of [...checkSchemaRules(schema), ...checkChineseTitles(schema)])
    fail(item.code, `${v.rule} at ${v.schemaPath}`);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    fail(item.code, `does not compile: ${(e as Error).message}`);
    continue;
  }
  const examples = JSON.parse(readFileSync(examplesFile, 'utf8')) as {
    valid: Example['envelope'][];
    invalid: Example[];
  };
  if (!examples.valid?.length) fail(item.code, 'no valid example');
  if (!examples.invalid?.length) fail(item.code, 'no invalid example');
  examples.valid?.forEach((env, i) => {
    if (env.itemCode !== item.code) fail(item.code, `valid[${i}] itemCode ${env.itemCode}`);
    if (!envelope(env)) fail(item.code, `valid[${i}] envelope: ${ajv.errorsText(envelope.errors)}`);
    if (!validate(env.payload))
      fail(item.code, `valid[${i}] payload: ${ajv.errorsText(validate.errors)}`);
    const mode = (env as { mode?: string }).mode ?? '';
    if (!item.modes.includes(mode))
      fail(item.code, `valid[${i}] mode ${mode} not in ${item.modes.join(',')}`);
    const type = (env as { applicant?: { type?: string } }).applicant?.type;
    if (item.subject !== 'both' && type !== (item.subject === 'person' ? 'person' : 'enterprise'))
      fail(item.code, `valid[${i}] applicant.type ${type} does not match subject ${item.subject}`);
  });
  examples.invalid?.forEach((ex, i) => {
    if (!envelope(ex.envelope))
      fail(item.code, `invalid[${i}] envelope itself invalid: ${ajv.errorsText(envelope.errors)}`);
    if (validate(ex.envelope.payload)) return fail(item.code, `invalid[${i}] passes`);
    const hit = validate.errors?.some(
      (e) => `/payload${e.instancePath}` === ex.pointer && e.keyword === ex.keyword,
    );
    if (!hit)
      fail(
        item.code,
        `invalid[${i}] expected ${ex.keyword} at ${ex.pointer}, got ${validate.errors?.map((e) => `${e.keyword}@/payload${e.instancePath}`).join(', ')}`,
      );
  });
}
console.log(`${items.length - 0} items checked, ${failures} problems`);
process.exitCode = failures ? 1 : 0;
