// Validation of an operator's item draft (schemas/README.md#draft-validation), the answer of
// POST /v1/admin/catalogue/drafts/{id}/validate: everything the registry will demand of the item
// version once published, checked by the same code — the metadata as the catalogue file's schema
// has it (catalogue-loader.ts), the schema by the item schema checks (item-schema-checks.ts) with a
// strict compile on the gateway's own ajv set-up, every example run through the whole submission
// validation (example-checks.ts) — and the compatibility of its schema and typed result with the
// published version it changes (compatibility/). Pure apart from reading the shared schema files
// and the ajv set-up drafts share (draft-ajv.ts: whatever one draft compiles into it is taken out
// again before the next): no Redis, and it never throws, whatever the draft holds; every problem
// is located by a JSON pointer into the draft's item document and worded in English and Chinese.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { chinaDate } from '../../calendar/working-days.ts';
import type { DivisionTables } from '../../divisions/load-division-table.ts';
import type { FieldProblem } from '../../shared/errors.ts';
import { entryProblems } from '../catalogue-loader.ts';
import { MEMBER_PROVINCES, type CatalogueItem } from '../catalogue-item.ts';
import { checkCompatibility } from '../compatibility/check-compatibility.ts';
import type { CompatibilityReport } from '../compatibility/compatibility-report.ts';
import { sharedDefinitionsResolver } from '../compatibility/schema-references.ts';
import { DEFS_ID, ENVELOPE_ID, RESULT_KEYWORD } from '../create-ajv.ts';
import { exampleProblems } from '../example-checks.ts';
import { checkExamples, itemSchemaId, type ItemExamples } from '../item-files.ts';
import {
  checkItemSchema,
  type CheckedItemSchema,
  type ItemProblem,
} from '../item-schema-checks.ts';
import { CROSS_FIELD_RULES } from '../rules/rule-catalogue.ts';
import type { CrossFieldRule } from '../rules/cross-field-rule.ts';
import type { SubmissionEnvelope } from '../submission-envelope.ts';
import { SubmissionRejectedError } from '../submission-rejected-error.ts';
import { validateSubmission } from '../validate-submission.ts';
import {
  jsonBytes,
  MAX_DRAFT_DEPTH,
  MAX_DRAFT_EXAMPLES_BYTES,
  MAX_DRAFT_SCHEMA_BYTES,
  nestingDepth,
} from './draft-limits.ts';
import { withDraftAjv } from './draft-ajv.ts';
import { unsafePatternProblems } from './pattern-safety.ts';

export interface DraftContext {
  /** The item the draft is for (an unknown code of a known department is a new item). */
  readonly itemCode: string;
  /** The version it would be published as: the base version + 1, or 1 for a new item. */
  readonly version: number;
  /** The schema of the published version the draft changes; none for a new item. */
  readonly baseSchema?: object | null;
  /** Current division tables, for the identifier keywords and cross-field rules. */
  readonly divisions: DivisionTables;
  /** The clock "today" is read from (China calendar); default the system clock. */
  readonly now?: () => Date;
  /** Holds defs.schema.json and envelope.schema.json; default <root>/schemas. */
  readonly schemasDir?: string;
  /** The cross-field rules items may name; default every rule in rules/. */
  readonly rules?: ReadonlyMap<string, CrossFieldRule>;
}

export interface DraftValidation {
  /** No problems: the draft may be submitted for review (breaking changes do not count). */
  readonly ok: boolean;
  readonly problems: ItemProblem[];
  /** Against the base version's schema; null for a new item or a schema that cannot be read. */
  readonly compatibility: CompatibilityReport | null;
}

// The item document's own parts; everything else in it is metadata (catalogue-item.ts).
const SCHEMA = 'schema';
const EXAMPLES = 'examples';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const problem = (path: string, message: string, messageZh: string): ItemProblem => ({
  path,
  message,
  messageZh,
});
const under = (prefix: string) => (p: ItemProblem | FieldProblem) =>
  problem(`${prefix}${p.path}`, p.message, p.messageZh);

// The draft names neither code nor version: a problem with those is the draft's as a whole.
function metadataProblems(context: DraftContext, metadata: Record<string, unknown>) {
  const entry = { code: context.itemCode, version: context.version, ...metadata };
  return entryProblems(entry).map((p) =>
    /^\/(code|version)(\/|$)/.test(p.path)
      ? problem(
          '',
          `item ${p.path.slice(1)}: ${p.message}`,
          `事项${p.path.slice(1)}:${p.messageZh}`,
        )
      : under('')(p),
  );
}

function sizeProblem(path: string, bytes: number, limit: number, what: string, whatZh: string) {
  return problem(
    path,
    `the ${what} is ${bytes} bytes as JSON; at most ${limit} are accepted`,
    `${whatZh}序列化后为 ${bytes} 字节,超过上限 ${limit} 字节`,
  );
}

/** Runs the examples through the whole submission validation against the draft item alone. */
function runExamples(
  ajv: Ajv2020,
  item: CatalogueItem,
  checked: CheckedItemSchema,
  examples: ItemExamples,
  context: DraftContext,
): ItemProblem[] {
  const envelope = ajv.getSchema<SubmissionEnvelope>(ENVELOPE_ID);
  if (!envelope) return [problem('', `${ENVELOPE_ID} missing`, `缺少 ${ENVELOPE_ID}`)];
  const versions = new Map([[item.version, { item, ...checked }]]);
  const now = context.now ?? (() => new Date());
  const validators = {
    envelope: envelope as ValidateFunction<SubmissionEnvelope>,
    versionsOf: (code: string) => (code === item.code ? versions : undefined),
    ruleContext: { divisions: context.divisions, today: () => chinaDate(now()) },
  };
  const problemsOf = (body: unknown): FieldProblem[] => {
    try {
      validateSubmission(validators, body);
      return [];
    } catch (error) {
      if (error instanceof SubmissionRejectedError) return error.errors;
      throw error;
    }
  };
  return exampleProblems(item, examples, problemsOf).map(under(`/${EXAMPLES}`));
}

/** The item version the draft would publish, from metadata that passed its checks. */
function draftItem(context: DraftContext, metadata: Record<string, unknown>): CatalogueItem {
  const entry = metadata as Omit<CatalogueItem, 'code' | 'version'>;
  return {
    code: context.itemCode,
    version: context.version,
    name: entry.name,
    department: entry.department,
    subject: entry.subject,
    modes: entry.modes,
    level: entry.level,
    promisedDays: entry.promisedDays,
    scope: entry.scope,
    enabledProvinces: entry.enabledProvinces ?? MEMBER_PROVINCES,
  };
}

function compatibilityOf(
  base: object,
  next: Record<string, unknown>,
  ajv: Ajv2020,
): CompatibilityReport {
  const resolveRef = sharedDefinitionsResolver(ajv.getSchema(DEFS_ID)?.schema);
  const payload = checkCompatibility(base, next, { resolveRef });
  // The typed result (result-schema.ts): a province's adapter built for the published result must
  // still be accepted, so the same direction applies, at /result.
  const baseResult = (base as Record<string, unknown>)[RESULT_KEYWORD];
  const nextResult = next[RESULT_KEYWORD];
  if (!isObject(baseResult) && !isObject(nextResult)) return payload;
  const result = checkCompatibility(
    isObject(baseResult) ? baseResult : {},
    isObject(nextResult) ? nextResult : {},
    { resolveRef, root: '/result' },
  );
  const changes = [...payload.changes, ...result.changes];
  return { mode: 'BACKWARD', breaking: changes.some((c) => c.breaking), changes };
}

function validate(draft: unknown, context: DraftContext, problems: ItemProblem[]) {
  if (!isObject(draft)) {
    problems.push(problem('', 'the draft item must be a JSON object', '草稿事项应为 JSON 对象'));
    return null;
  }
  const depth = nestingDepth(draft);
  if (depth > MAX_DRAFT_DEPTH) {
    problems.push(
      problem(
        '',
        `the draft nests deeper than ${MAX_DRAFT_DEPTH} levels`,
        `草稿嵌套层级超过 ${MAX_DRAFT_DEPTH} 层`,
      ),
    );
    return null;
  }
  // A copy: checking freezes and compiles what it is given, and the caller's draft stays theirs.
  const { [SCHEMA]: schema, [EXAMPLES]: examples, ...metadata } = structuredClone(draft);
  const metadataFaults = metadataProblems(context, metadata);
  problems.push(...metadataFaults);

  if (!isObject(schema)) {
    problems.push(
      problem(`/${SCHEMA}`, 'the schema must be a JSON object', '结构定义(schema)应为 JSON 对象'),
    );
    return null;
  }
  const schemaBytes = jsonBytes(schema);
  if (schemaBytes > MAX_DRAFT_SCHEMA_BYTES) {
    problems.push(
      sizeProblem(`/${SCHEMA}`, schemaBytes, MAX_DRAFT_SCHEMA_BYTES, 'schema', '结构定义'),
    );
    return null;
  }
  // The $id of the version's own file, as publishing gives it, so relative $refs resolve.
  const next = { ...schema, $id: itemSchemaId(context.itemCode, context.version) };
  const inputs = { divisions: context.divisions, now: context.now, schemasDir: context.schemasDir };
  return withDraftAjv(inputs, ({ ajv, shared }) => {
    const compatibility = context.baseSchema
      ? compatibilityOf(context.baseSchema, next, ajv)
      : null;
    const check = checkItemSchema(
      ajv,
      context.itemCode,
      context.version,
      next,
      context.rules ?? CROSS_FIELD_RULES,
      shared,
    );
    if (!check.ok) problems.push(...check.problems.map(under(`/${SCHEMA}`)));
    // Judged before any example runs: an example against an unsafe pattern is what would hang.
    const unsafe = unsafePatternProblems(next);
    problems.push(...unsafe.map(under(`/${SCHEMA}`)));

    const examplesBytes = jsonBytes(examples);
    if (examplesBytes > MAX_DRAFT_EXAMPLES_BYTES) {
      problems.push(
        sizeProblem(`/${EXAMPLES}`, examplesBytes, MAX_DRAFT_EXAMPLES_BYTES, 'examples', '示例'),
      );
      return compatibility;
    }
    const shape = checkExamples(EXAMPLES, examples);
    if (!shape.ok) {
      const valid = shape.problem.includes('"valid"');
      problems.push(
        problem(
          `/${EXAMPLES}`,
          shape.problem,
          valid
            ? '示例(examples)须有非空的 valid 列表,每项为完整的申请报文'
            : '示例(examples)须有非空的 invalid 列表,每项为 { pointer, keyword, envelope }',
        ),
      );
    }
    // Examples are run once the schema compiles and the metadata (modes, subject) can be trusted.
    if (check.ok && unsafe.length === 0 && shape.ok && metadataFaults.length === 0)
      problems.push(
        ...runExamples(ajv, draftItem(context, metadata), check.checked, shape.value, context),
      );
    return compatibility;
  });
}

/**
 * Every problem of an item draft (`item` of a catalogue draft: metadata, `schema`, `examples`),
 * and the compatibility of its schema with `context.baseSchema`. Never throws: an unexpected
 * failure inside a check is reported as a problem of the draft.
 */
export function validateItemDraft(draft: unknown, context: DraftContext): DraftValidation {
  const problems: ItemProblem[] = [];
  let compatibility: CompatibilityReport | null = null;
  try {
    compatibility = validate(draft, context, problems);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.push(problem('', `the check could not complete: ${reason}`, `校验未能完成:${reason}`));
  }
  return { ok: problems.length === 0, problems, compatibility };
}
