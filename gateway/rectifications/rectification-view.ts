// What a rectification looks like to API clients (gateway/README.md#rectification-lifecycle), and
// who may see it: the owner province's clients, the portal of the rated case, and operators; to
// anyone else it does not exist (404, as for cases). Free text — notes, comments — may hold
// personal data the applicant or a clerk typed, so it is masked unless the reader is an operator
// with the unmask right.
import type { Client } from '../auth/client-registry.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import type { Evaluation } from '../evaluations/evaluation.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Rectification, RectificationHistoryEntry } from './rectification-record.ts';
import type { LoadedRectification, RectificationStore } from './rectification-store.ts';

export function mayReadRectification(client: Client, r: Rectification): boolean {
  if (client.kind === 'operator') return true;
  if (client.kind === 'portal') return r.clientId === client.id;
  return client.province === r.province;
}

export async function loadVisibleRectification(
  store: RectificationStore,
  client: Client,
  id: string,
): Promise<LoadedRectification> {
  const r = await store.get(id);
  if (!r || !mayReadRectification(client, r)) {
    throw new GatewayError('GW_RECTIFICATION_NOT_FOUND', {
      detail: `No rectification ${id.slice(0, 40)}`,
    });
  }
  return r;
}

export function textFor(client: Client): (text: string | undefined) => string | undefined {
  const unmasked = client.kind === 'operator' && client.rights.includes('unmask');
  return (text) => (text === undefined || unmasked ? text : maskFreeText(text));
}

export function rectificationSummary(r: Rectification, client: Client) {
  const text = textFor(client);
  return {
    rectificationId: r.id,
    caseId: r.caseId,
    province: r.province,
    itemCode: r.itemCode,
    rated: r.rated,
    level: r.level,
    status: r.status,
    openedAt: r.openedAt,
    visitDueAt: r.visitDueAt,
    dueAt: r.dueAt,
    flags: r.flags,
    calendarAssumed: r.calendarAssumed ?? false,
    ...(r.visitedAt ? { visitedAt: r.visitedAt } : {}),
    // Rectified or explained: when the portal's re-rating window ends (then 基本满意 by default).
    ...(r.reRatingDueAt ? { reRatingDueAt: r.reRatingDueAt } : {}),
    ...(r.reRating ? { reRating: { ...r.reRating, comment: text(r.reRating.comment) } } : {}),
    updatedAt: r.updatedAt,
    links: { self: `/v1/rectifications/${r.id}`, case: `/v1/cases/${r.caseId}` },
  };
}

export function rectificationDetail(
  r: Rectification,
  history: readonly RectificationHistoryEntry[],
  evaluation: Evaluation | undefined,
  client: Client,
) {
  const text = textFor(client);
  return {
    ...rectificationSummary(r, client),
    evaluation: evaluation && {
      evaluationId: evaluation.evaluationId,
      level: evaluation.level,
      indicators: evaluation.indicators ?? null,
      comment: text(evaluation.comment) ?? null,
      at: evaluation.at,
    },
    history: history.map((h) => ({
      at: h.at,
      status: h.status,
      actor: h.actor,
      note: text(h.note),
    })),
  };
}
