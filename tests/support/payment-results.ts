// SW-005 results as a 经营地 tax core reports them (schemas/README.md#result-schemas): the result
// schema's own examples, so tests that only need "a valid decision" for the flagship item send
// what the gateway accepts, and stay valid when the schema changes its examples with it.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/shared/project-root.ts';

type Result = Record<string, unknown>;

function examples(): Result[] {
  const schema = JSON.parse(
    readFileSync(projectPath('schemas/items/SW-005.schema.json'), 'utf8'),
  ) as { resultSchema: { examples: Result[] } };
  return schema.resultSchema.examples;
}

/** A payment (电子税票号码, dates, lines, total, certificate number) of validExample('SW-005'). */
export function paidResult(): Result {
  return structuredClone(examples().find((r) => r.outcome === 'paid')!);
}

/**
 * A failed deduction (余额不足) of the case validExample('SW-005') submits: the example's, under
 * that case's 三方协议号 (the result's rules, schemas/README.md#result-rules, require the case's
 * own; the example names the sandbox agreement that fails, a case the tests do not submit).
 */
export function failedResult(): Result {
  const failed = structuredClone(examples().find((r) => r.outcome === 'failed')!);
  return { ...failed, agreementNo: paidResult().agreementNo };
}
