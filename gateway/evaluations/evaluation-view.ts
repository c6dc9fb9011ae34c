// The evaluations of a case as GET /v1/cases/{caseId} shows them (gateway/README.md#evaluations):
// one per rated party, read from each rated province's slot; the comment is masked unless the
// case is read unmasked (an operator's audited read, gateway/cases/read-case-audited.ts).
import type { CaseRecord } from '../cases/case-record.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import type { CaseViewPart } from '../cases/read-case.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import { isRoutedCase, ratedParties, ratedProvince } from './rated-party.ts';

export async function caseEvaluations(
  evaluations: EvaluationStore,
  record: CaseRecord,
  unmasked: boolean,
) {
  if (!isRoutedCase(record)) return [];
  const found = await Promise.all(
    ratedParties(record).map((rated) =>
      evaluations.get(ratedProvince(record, rated), record.id, rated),
    ),
  );
  return found
    .filter((e) => e !== undefined)
    .map((e) => ({
      evaluationId: e.evaluationId,
      rated: e.rated,
      level: e.level,
      source: e.source,
      indicators: e.indicators ?? null,
      comment: e.comment === undefined ? null : unmasked ? e.comment : maskFreeText(e.comment),
      at: e.at,
      voided: e.voidedAt !== undefined,
      rectificationId: e.rectificationId ?? null,
    }));
}

/** The case view's `evaluations` (gateway/cases/read-case.ts). */
export function evaluationsPart(evaluations: EvaluationStore): CaseViewPart {
  return async (record, reader) => ({
    evaluations: await caseEvaluations(evaluations, record, reader.unmasked),
  });
}
