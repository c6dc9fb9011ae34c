// SW-005 results as a 经营地 tax core reports them (schemas/README.md#result-schemas): the result
// schema's own examples, so tests that only need "a valid decision" for the flagship item send
// what the gateway accepts, and stay valid when the schema changes its examples with it.
import { readFileSync } from 'node:fs';
import { decidePayment } from '../../adapters/kit/tax-core/decide-payment.ts';
import { chinaDate } from '../../gateway/calendar/working-days.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import type { ApiGateway } from './api-gateway.ts';

type Result = Record<string, unknown>;

function examples(): Result[] {
  const schema = JSON.parse(
    readFileSync(projectPath('schemas/items/SW-005.schema.json'), 'utf8'),
  ) as { resultSchema: { examples: Result[] } };
  return schema.resultSchema.examples;
}

/** Today on the China calendar: the day a case submitted now was submitted (UTC+8). */
const today = () => chinaDate(new Date());

/**
 * A payment (电子税票号码, dates, lines, total, certificate number) of validExample('SW-005'),
 * deducted and credited `on` (today in China by default): the result's rules refuse a date before
 * the case's submission day, and the example's own date is older than a case a test submits now.
 */
export function paidResult(on = today()): Result {
  const paid = structuredClone(examples().find((r) => r.outcome === 'paid')!);
  return { ...paid, deductedOn: on, creditedOn: on };
}

/**
 * A failed deduction (余额不足) of the case validExample('SW-005') submits: the example's, under
 * that case's 三方协议号 (the result's rules, schemas/README.md#result-rules, require the case's
 * own; the example names the sandbox agreement that fails, a case the tests do not submit),
 * attempted `on` (today in China by default).
 */
export function failedResult(on = today()): Result {
  const failed = structuredClone(examples().find((r) => r.outcome === 'failed')!);
  return { ...failed, agreementNo: paidResult().agreementNo, attemptedOn: on };
}

/**
 * The payment 云南's sandbox tax core reports for the case's own submission (its agreement,
 * account, lines and total: adapters/kit/tax-core), for a case submitted otherwise than with
 * validExample('SW-005') — through the portal — whose result must be its own to pass the result
 * rules. Throws when the tax core would not pay it.
 */
export async function paidResultOf(gw: ApiGateway, caseId: string): Promise<Result> {
  const { payload } = await gw.services.store.openEnvelope(caseId);
  const decision = decidePayment(payload, { today: chinaDate(new Date()), sequence: 1 });
  if (decision.type !== 'decided' || decision.result.outcome !== 'paid')
    throw new Error(`the sandbox tax core would not pay case ${caseId}`);
  return decision.result;
}
