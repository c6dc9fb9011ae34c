// One rectification as its readers see it (gateway/README.md#rectification-lifecycle): the record,
// its history with the sealed notes opened, and the 差评 that opened it, shaped and masked for the
// reader by rectificationDetail. GET /v1/rectifications/{id} and the console's rectification page
// read through here, so both show the same thing and log an unreadable note the same way — and an
// operator's unmasked read is audited the same way from both (readRectificationUnmasked).
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedAction } from '../audit/operator-audit.ts';
import type { Client } from '../auth/client-registry.ts';
import type { EvaluationStore } from '../evaluations/evaluation-store.ts';
import { unreadableNotes } from '../personal-data/sealed-text.ts';
import type { Logger } from '../shared/logger.ts';
import type { RectificationStore } from './rectification-store.ts';
import { loadVisibleRectification, rectificationDetail } from './rectification-view.ts';

export type RectificationDetail = ReturnType<typeof rectificationDetail>;

type ReadDeps = { rectifications: RectificationStore; evaluations: EvaluationStore };

export const UNMASKED_READ = 'rectification.read-unmasked';

export async function readRectification(
  deps: ReadDeps,
  client: Client,
  id: string,
  log: Pick<Logger, 'warn'>,
): Promise<RectificationDetail> {
  const r = await loadVisibleRectification(deps.rectifications, client, id);
  const [history, evaluation] = await Promise.all([
    deps.rectifications.history(r.id),
    deps.evaluations.get(r.province, r.caseId, r.rated),
  ]);
  // A sealed note that does not open reads as a placeholder; the log says where and why.
  for (const note of unreadableNotes(history)) {
    log.warn({ rectificationId: r.id, ...note }, 'history note unreadable');
  }
  return rectificationDetail(r, history, evaluation, client);
}

/**
 * The comment and notes in clear, for an operator holding `unmask`: appended to the audit chain
 * as `rectification.read-unmasked` with the operator's reason before it is answered; without the
 * right, 403 GW_FORBIDDEN, audited as refused.
 */
export function readRectificationUnmasked(
  deps: ReadDeps & { audit: AuditLog },
  request: { operator: Client; requestId: string; reason: string; log: Pick<Logger, 'warn'> },
  id: string,
): Promise<RectificationDetail> {
  const { operator, reason, log } = request;
  return auditedAction(
    deps.audit,
    request,
    { action: UNMASKED_READ, target: id.slice(0, 64), right: 'unmask', reason },
    () => readRectification(deps, operator, id, log),
  );
}
