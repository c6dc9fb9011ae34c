// A province's result against its item version's result schema (schemas/README.md#result-schemas)
// and then the schema's cross-field rules (schemas/README.md#result-rules), checked before an event
// moves anything, whichever way the event came: posted by the province (record-event.ts answers
// 422 GW_RESULT_INVALID) or found by a status query (record-status-query.ts leaves it unapplied).
// Problems point into the event body (`/result/…`).
import type { CompiledResult } from '../catalogue/result-schema.ts';
import { resultProblems, resultRuleProblems } from '../catalogue/result-schema.ts';
import type { RuleContext } from '../catalogue/rules/cross-field-rule.ts';
import type { SubmissionEnvelope } from '../catalogue/submission-envelope.ts';
import type { FieldProblem } from '../shared/errors.ts';
import type { CaseEvent } from './case-event.ts';
import type { CaseRecord } from './case-record.ts';

/** Where the typed results come from: the schema registry, or the worker's result schemas. */
export interface ResultSchemas {
  resultFor(code: string, version?: number): CompiledResult | undefined;
  /**
   * What a result's rules read besides the result and the submission (today, divisions); the
   * case's submission day is added per case.
   */
  readonly ruleContext: RuleContext;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * The rules' context for one case: the registry's, with the day the case was submitted on the China
 * calendar (its createdAt, the gateway's clock), which `not-before-submission` holds a result's
 * dates to. A record without a readable createdAt bounds nothing (as event-time.ts).
 */
function caseContext(context: RuleContext, createdAt: string): RuleContext {
  const submitted = Date.parse(createdAt);
  if (!Number.isFinite(submitted)) return context;
  // Not chinaDate(): its one-day cache serves today's many calls, which a past day would evict.
  return {
    ...context,
    submittedOn: new Date(submitted + CHINA_OFFSET_MS).toISOString().slice(0, 10),
  };
}

/**
 * `openSubmission` is asked only when a rule of the result reads the submission (the case's
 * sealed envelope is decrypted for it), and only once the result matched its schema.
 */
export async function eventResultProblems(
  results: ResultSchemas,
  record: Pick<CaseRecord, 'itemCode' | 'itemVersion' | 'createdAt'>,
  event: CaseEvent,
  openSubmission: () => Promise<SubmissionEnvelope>,
): Promise<FieldProblem[]> {
  if (event.result === undefined) return [];
  const compiled = results.resultFor(record.itemCode, record.itemVersion);
  if (!compiled) return [];
  const problems = resultProblems(compiled.validate, event.result).map((p) => ({
    ...p,
    path: `/result${p.path}`,
  }));
  if (problems.length > 0 || compiled.rules.length === 0) return problems;
  const submission = compiled.readsSubmission ? await openSubmission() : undefined;
  return resultRuleProblems(
    compiled,
    event.result,
    submission as Readonly<Record<string, unknown>> | undefined,
    caseContext(results.ruleContext, record.createdAt),
  );
}
