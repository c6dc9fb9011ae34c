// The validation stages of POST /v1/cases, in a fixed order:
//   envelope → identifiers → item lookup → payload (routing comes after, in gateway/routing).
// The payload stage runs the item's schema, then, once the schema passed, its cross-field rules
// (rules/compile-rules.ts): a rule relies on the types the schema promises.
// Each stage reports all its problems together; a later stage runs only when the earlier ones
// passed, so a portal is never told about a credit code inside an envelope it must reshape anyway.
import type { ValidateFunction } from 'ajv';
import { problemCount, type FieldProblem } from '../shared/errors.ts';
import type { CatalogueItem, Subject } from './catalogue-item.ts';
import { IDENTIFIER_KEYWORDS } from './create-ajv.ts';
import { toFieldProblems } from './field-problems.ts';
import { runRules, type CompiledRule } from './rules/compile-rules.ts';
import type { RuleContext } from './rules/cross-field-rule.ts';
import type { SubmissionEnvelope } from './submission-envelope.ts';
import { SubmissionRejectedError } from './submission-rejected-error.ts';

export interface CompiledItem {
  readonly item: CatalogueItem;
  readonly validate: ValidateFunction;
  /** Cross-field rules from the schema's crossFieldRules list, run after the schema passed. */
  readonly rules: readonly CompiledRule[];
}

export interface ValidSubmission {
  /** The item version the case is for (the latest published when the envelope named none). */
  readonly item: CatalogueItem;
  readonly envelope: SubmissionEnvelope;
}

export interface SubmissionValidators {
  readonly envelope: ValidateFunction<SubmissionEnvelope>;
  /** Published versions of an item, by version number; undefined for an unknown code. */
  versionsOf(code: string): ReadonlyMap<number, CompiledItem> | undefined;
  /** What the cross-field rules read besides the submission: division tables, today. */
  readonly ruleContext: RuleContext;
  /** When an item version stops being accepted (ISO instant), if it has a sunset. */
  sunsetOf?(code: string, version: number): string | undefined;
  /** The clock sunsets are compared with. */
  readonly now?: () => Date;
}

const SUBJECT_TEXT: Record<Exclude<Subject, 'both'>, { en: string; zh: string }> = {
  person: { en: 'natural persons', zh: '个人' },
  enterprise: { en: 'enterprises', zh: '企业' },
};

function resolveItem(validators: SubmissionValidators, envelope: SubmissionEnvelope): CompiledItem {
  const { itemCode, itemVersion } = envelope;
  const versions = validators.versionsOf(itemCode);
  if (!versions) {
    throw new SubmissionRejectedError('item', 'GW_ITEM_NOT_FOUND', [
      {
        path: '/itemCode',
        message: `no published catalogue item ${itemCode}`,
        messageZh: `事项 ${itemCode} 不存在或未发布`,
        keyword: 'itemCode',
      },
    ]);
  }
  const latest = Math.max(...versions.keys());
  const notice = versions.get(latest)?.item.disabledNotice;
  if (notice !== undefined) {
    // Disabled as a whole: a pinned older version is refused too, with the operators' notice.
    throw new SubmissionRejectedError('item', 'GW_ITEM_DISABLED', [
      {
        path: '/itemCode',
        message: `${itemCode} is disabled: ${notice}`,
        messageZh: `事项 ${itemCode} 已停用:${notice}`,
        keyword: 'itemCode',
      },
    ]);
  }
  const version = itemVersion ?? latest;
  const found = versions.get(version);
  if (found) {
    const sunset = version === latest ? undefined : validators.sunsetOf?.(itemCode, version);
    const now = (validators.now ?? (() => new Date()))();
    if (sunset !== undefined && Date.parse(sunset) <= now.getTime()) {
      throw new SubmissionRejectedError('item', 'GW_ITEM_VERSION_RETIRED', [
        {
          path: '/itemVersion',
          message: `${itemCode} version ${version} was retired at ${sunset}; submit version ${latest}`,
          messageZh: `事项 ${itemCode} 第 ${version} 版已于 ${sunset} 停止受理,请按第 ${latest} 版提交`,
          keyword: 'itemVersion',
        },
      ]);
    }
    return found;
  }
  const published = [...versions.keys()].join(', ');
  throw new SubmissionRejectedError('item', 'GW_ITEM_VERSION_NOT_FOUND', [
    {
      path: '/itemVersion',
      message: `${itemCode} has no published version ${version} (published: ${published})`,
      messageZh: `事项 ${itemCode} 没有已发布的第 ${version} 版(已发布:${published})`,
      keyword: 'itemVersion',
    },
  ]);
}

/**
 * applicant.type must match the item's subject (gateway/README.md#validation-order); a
 * payload-stage problem.
 */
function subjectProblem(item: CatalogueItem, envelope: SubmissionEnvelope): FieldProblem[] {
  if (item.subject === 'both' || envelope.applicant.type === item.subject) return [];
  const text = SUBJECT_TEXT[item.subject];
  return [
    {
      path: '/applicant/type',
      message: `item ${item.code} is for ${text.en}; applicant.type must be "${item.subject}"`,
      messageZh: `事项 ${item.code} 仅限${text.zh}申请,申请人类型应为 ${item.subject}`,
      keyword: 'subject',
    },
  ];
}

/**
 * Payload-stage problems of an envelope for one compiled item: the schema's, or when the schema
 * passed, the cross-field rules'. Pointers are into the envelope (/payload/...). `failed` says
 * which, for the refusal's detail.
 */
function payloadProblems(
  compiled: CompiledItem,
  envelope: { readonly payload?: unknown },
  context: RuleContext,
): { failed: 'schema' | 'rules'; problems: FieldProblem[] } {
  if (!compiled.validate(envelope.payload))
    return {
      failed: 'schema',
      problems: toFieldProblems(compiled.validate.errors, '/payload', envelope.payload),
    };
  return { failed: 'rules', problems: runRules(compiled.rules, envelope, context) };
}

/** What a payload-stage refusal failed: the item's subject, its schema or its rules. */
function payloadDetail(
  item: CatalogueItem,
  subject: readonly FieldProblem[],
  payload: ReturnType<typeof payloadProblems>,
): string {
  const of = `${item.code} v${item.version}`;
  const parts: string[] = [];
  if (subject.length > 0) parts.push(`the applicant's type is not the subject of ${of}`);
  if (payload.problems.length > 0)
    parts.push(
      payload.failed === 'schema'
        ? `the payload does not match the schema of ${of}`
        : `the payload matches the schema of ${of} but breaks its cross-field rules (each problem's keyword names its rule)`,
    );
  const text = parts.join('; and ');
  const count = problemCount([...subject, ...payload.problems]);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}: ${count}, each in errors`;
}

/** Runs every stage; returns the narrowed envelope and its item or throws the first refusal. */
export function validateSubmission(
  validators: SubmissionValidators,
  body: unknown,
): ValidSubmission {
  const check = validators.envelope;
  if (!check(body)) {
    // The shape's problems only, counted without the identifiers' (a later stage's), so a list
    // cut at its bound is cut among the problems it reports.
    const shape = toFieldProblems(check.errors, '', body, {
      keep: (error) => !IDENTIFIER_KEYWORDS.has(error.keyword),
    });
    const problems = shape.length > 0 ? [] : toFieldProblems(check.errors, '', body);
    if (shape.length > 0 || problems.length === 0)
      throw new SubmissionRejectedError('envelope', 'GW_VALIDATION_FAILED', shape);
    throw new SubmissionRejectedError('identifiers', 'GW_IDENTIFIER_INVALID', problems);
  }
  const compiled = resolveItem(validators, body);
  const subject = subjectProblem(compiled.item, body);
  const payload = payloadProblems(compiled, body, validators.ruleContext);
  const problems = [...subject, ...payload.problems];
  if (problems.length > 0)
    throw new SubmissionRejectedError(
      'payload',
      'GW_PAYLOAD_INVALID',
      problems,
      payloadDetail(compiled.item, subject, payload),
    );
  return { item: compiled.item, envelope: body };
}
