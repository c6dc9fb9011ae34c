// A province's result against its item version's result schema (schemas/README.md#result-schemas),
// checked before an event moves anything, whichever way the event came: posted by the province
// (record-event.ts answers 422 GW_RESULT_INVALID) or found by a status query
// (record-status-query.ts leaves it unapplied). Problems point into the event body (`/result/…`).
import type { CompiledResult } from '../catalogue/result-schema.ts';
import { resultProblems } from '../catalogue/result-schema.ts';
import type { FieldProblem } from '../shared/errors.ts';
import type { CaseEvent } from './case-event.ts';
import type { CaseRecord } from './case-record.ts';

/** Where the typed results come from: the schema registry, or the worker's result schemas. */
export interface ResultSchemas {
  resultFor(code: string, version?: number): CompiledResult | undefined;
}

export function eventResultProblems(
  results: ResultSchemas,
  record: Pick<CaseRecord, 'itemCode' | 'itemVersion'>,
  event: CaseEvent,
): FieldProblem[] {
  if (event.result === undefined) return [];
  const compiled = results.resultFor(record.itemCode, record.itemVersion);
  if (!compiled) return [];
  return resultProblems(compiled.validate, event.result).map((p) => ({
    ...p,
    path: `/result${p.path}`,
  }));
}
