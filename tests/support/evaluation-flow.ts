// Evaluating cases and moving rectifications over the real API (gateway/README.md#evaluations).
import { recordDefaultReRatings } from '../../gateway/rectifications/default-re-ratings.ts';
import type { ApiGateway } from './api-gateway.ts';

let n = 0;

export interface Evaluated {
  evaluationId: string;
  level: number;
  rated: string;
  rectification?: { id: string; status: string; visitDueAt: string; dueAt: string };
}

export function evaluate(
  gw: ApiGateway,
  caseId: string,
  body: Record<string, unknown>,
  options: { portal?: string; key?: string } = {},
) {
  return gw
    .client(options.portal ?? 'portal-sc')
    .request<
      Evaluated & { code?: string; detail?: string; errors?: { path: string; messageZh: string }[] }
    >('POST', `/v1/cases/${caseId}/evaluations`, {
      json: body,
      headers: { 'Idempotency-Key': options.key ?? `eval-${Date.now()}-${n++}` },
    });
}

export function rectificationEvent(
  gw: ApiGateway,
  id: string,
  type: string,
  note = `${type} by the clerk`,
  client = 'province-yn',
) {
  return gw
    .client(client)
    .request<{ status: string; duplicate: boolean; code?: string; detail?: string }>(
      'POST',
      `/v1/rectifications/${id}/events`,
      { json: { type, note } },
    );
}

export function reRate(
  gw: ApiGateway,
  id: string,
  body: Record<string, unknown>,
  portal = 'portal-sc',
) {
  return gw
    .client(portal)
    .request<{ status: string; duplicate: boolean; code?: string; detail?: string }>(
      'POST',
      `/v1/rectifications/${id}/re-rating`,
      { json: body },
    );
}

export function decideAppeal(
  gw: ApiGateway,
  id: string,
  decision: string,
  operator = 'operator-dev',
) {
  return gw
    .client(operator)
    .request<{ status: string; duplicate: boolean; code?: string }>(
      'POST',
      `/v1/rectifications/${id}/appeal-decision`,
      { json: { decision, note: `appeal ${decision} after review` } },
    );
}

export async function readRectification<T = Record<string, unknown>>(
  gw: ApiGateway,
  id: string,
  client = 'operator-dev',
) {
  return gw.client(client).request<T>('GET', `/v1/rectifications/${id}`);
}

/**
 * One pass of the default re-rating (rectifications/default-re-ratings.ts) over a test gateway's
 * stores and policy, as a worker runs it, at `atMs`; how many it re-rated.
 */
export function defaultReRatingPass(gw: ApiGateway, now: () => Date, atMs?: number) {
  return recordDefaultReRatings(
    {
      rectifications: gw.services.rectifications,
      policy: gw.services.policy,
      provinces: gw.services.provinces,
      log: gw.services.logger,
      now,
    },
    atMs,
  );
}
