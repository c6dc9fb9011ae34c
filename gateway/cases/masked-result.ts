// A case's result as a portal sees it, in GET /v1/cases/{id} and in callbacks
// (gateway/README.md#reads-and-masking): a typed result is masked by the personal locations its
// result schema compiled to (x-personal, schemas/README.md#result-schemas) — a debited account keeps
// its last digits — and its free text (扣款失败原因, 处理建议) as a province's note is, since a
// province can write an applicant's ID or mobile number into it; an untyped result (an item without a result schema) is shown as the province
// gave it. A process without the typed results (the operator CLI) withholds every string of it.
import { maskFreeTextAt, maskPersonal } from '../personal-data/mask-personal.ts';
import type { CaseRecord } from './case-record.ts';
import type { ResultSchemas } from './event-result.ts';

const WITHHELD = [{ pointer: '/result', tokens: ['result'], kind: 'name' as const }];

export function maskedResult(
  results: Pick<ResultSchemas, 'resultFor'> | undefined,
  record: Pick<CaseRecord, 'itemCode' | 'itemVersion'>,
  result: unknown,
): unknown {
  if (result === undefined) return undefined;
  if (!results) return maskPersonal({ result }, WITHHELD).result;
  const compiled = results.resultFor(record.itemCode, record.itemVersion);
  return compiled
    ? maskFreeTextAt(maskPersonal(result, compiled.personal), compiled.freeText)
    : result;
}
