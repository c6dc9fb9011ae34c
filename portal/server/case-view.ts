// What a case page receives about a case (README.md#the-taxpayer-portal): the gateway's view
// (GET /v1/cases/{id}, personal fields already masked) cut to what the taxpayer's page shows —
// status and phase, the history, the result, the linked cases, the province's case number.
import type { GatewayCase } from './gateway-link.ts';

export interface CasePageView {
  readonly caseId: string;
  readonly status: string;
  readonly phase: { key: string; zh: string };
  readonly provinceCaseNo: string | null;
  readonly result: Record<string, unknown> | null;
  readonly relatedCases: readonly { caseId: string; relation: string }[];
  readonly history: readonly { at: string; status: string; note?: string }[];
  readonly createdAt: string;
}

export function casePageView(view: GatewayCase): CasePageView {
  return {
    caseId: view.caseId,
    status: view.status,
    phase: view.phase,
    provinceCaseNo: view.provinceCaseNo,
    result: view.result,
    relatedCases: view.relatedCases ?? [],
    history: view.history.map((h) => ({
      at: h.at,
      status: h.status,
      ...(h.note ? { note: h.note } : {}),
    })),
    createdAt: view.createdAt,
  };
}
