// An operator's read of a case, over HTTP and from the operator console
// (gateway/README.md#audit-chain): masked, or — with the unmask right and a reason — unmasked and
// appended to the audit chain as `case.read-unmasked` under the operator's id, with the reason.
// A masked read shows nothing personal and is not audited.
import type { AuditLog } from '../audit/audit-log.ts';
import {
  auditedAction,
  refuseOperator,
  requireOperatorRight,
  type OperatorRequest,
} from '../audit/operator-audit.ts';
import { GatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { caseView, type CaseViewDeps } from './read-case.ts';

export interface ReadCaseRequest extends OperatorRequest {
  caseId: string;
  /** Show personal data in clear (needs the unmask right and a reason). */
  unmask: boolean;
  /** Why the operator needs the data unmasked: recorded in the audit entry. */
  reason?: string;
  log: Logger;
}

export const UNMASKED_READ = 'case.read-unmasked';

export async function readCaseAudited(
  deps: CaseViewDeps & { audit: AuditLog },
  request: ReadCaseRequest,
): Promise<Record<string, unknown>> {
  const { caseId, operator, log } = request;
  const viewer = { id: operator.id, kind: operator.kind };
  if (!request.unmask) return caseView(deps, viewer, caseId, log, { unmasked: false });
  const action = { action: UNMASKED_READ, target: caseId.slice(0, 64) };
  await requireOperatorRight(deps.audit, request, { ...action, right: 'unmask' });
  const reason = request.reason?.trim();
  if (!reason) {
    const detail = 'An unmasked read needs a reason';
    throw await refuseOperator(
      deps.audit,
      request,
      action,
      detail,
      new GatewayError('GW_INVALID_PARAMETER', { detail }),
    );
  }
  return auditedAction(deps.audit, request, { ...action, reason }, () =>
    caseView(deps, viewer, caseId, log, { unmasked: true }),
  );
}
