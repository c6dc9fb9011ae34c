// Operator actions as the audit chain records them (gateway/README.md#audit-chain): a refused
// attempt, then what was done and how it ended. The HTTP routes and the operator console call the
// same functions, so an action is audited the same way under the operator's id wherever it starts.
import type { Client, OperatorRight } from '../auth/client-registry.ts';
import { maskFreeText } from '../personal-data/mask-free-text.ts';
import { GatewayError, isGatewayError } from '../shared/errors.ts';
import type { AuditEntryInput, AuditLog, AuditOutcome } from './audit-log.ts';

/** Who acts: an operator client (the console's operators are clients of the registry too). */
export type Operator = Pick<Client, 'id' | 'kind' | 'rights'>;

export interface OperatorRequest {
  operator: Operator;
  /** The request's X-Request-Id (the console's own id for its request). */
  requestId: string;
}

export interface OperatorAction {
  /** `<area>.<verb>`, e.g. `dead-letter.replay`. */
  action: string;
  /** What the action is about: a case id, a draft id… */
  target: string;
  /** The right the action needs; refused and audited without it. */
  right?: OperatorRight;
  /** The reason the operator gave (an unmasked read). */
  reason?: string;
  /** SHA-256 of the request body's canonical JSON. */
  digest?: string;
  /**
   * Keys (or redis-keys.ts SLOT names) the action writes besides the audit chain: with
   * GW_REDIS_WAIT_REPLICAS its `ok` waits until they are on the replicas too. A function is read
   * once the action ran, for writes it finds out where to make.
   */
  writes?: readonly string[] | (() => readonly string[]);
}

const REASON_MAX = 500;

/**
 * The entry an operator's action appends: the one place a reason (an X-Gw-Reason header, a
 * refusal's detail, an error's message) is cut to REASON_MAX, wherever the action starts. It is
 * masked as free text first: an operator explaining an unmasked read writes what they were asked
 * about (回电 138…, 核对 5101…), and the chain keeps its entries in clear for every holder of
 * audit:read, and for good (hash-chained, never rewritten), so a number there would outlive the
 * case it came from.
 */
export function operatorEntry(
  request: OperatorRequest,
  action: Pick<OperatorAction, 'action' | 'target' | 'digest'>,
  outcome: AuditOutcome,
  reason: string | undefined,
): AuditEntryInput {
  return {
    actor: request.operator.id,
    action: action.action,
    target: action.target,
    outcome,
    ...(reason === undefined ? {} : { reason: maskFreeText(reason).slice(0, REASON_MAX) }),
    requestId: request.requestId,
    ...(action.digest === undefined ? {} : { digest: action.digest }),
  };
}

export function holdsRight(operator: Operator, right: OperatorRight): boolean {
  return operator.kind === 'operator' && operator.rights.includes(right);
}

/** Appends the refusal and returns the 403 to throw. */
export async function refuseOperator(
  audit: AuditLog,
  request: OperatorRequest,
  action: Pick<OperatorAction, 'action' | 'target' | 'digest'>,
  detail: string,
  error: GatewayError = new GatewayError('GW_FORBIDDEN', { detail }),
): Promise<GatewayError> {
  await audit.append(operatorEntry(request, action, 'refused', detail));
  return error;
}

/** 403 GW_FORBIDDEN, audited as refused, unless the operator holds `right`. */
export async function requireOperatorRight(
  audit: AuditLog,
  request: OperatorRequest,
  action: OperatorAction & { right: OperatorRight },
): Promise<void> {
  if (holdsRight(request.operator, action.right)) return;
  throw await refuseOperator(
    audit,
    request,
    action,
    `This operation needs the ${action.right} right`,
  );
}

/**
 * Runs an operator's action and appends how it ended: `ok`; `refused` for a missing right or a
 * 403 from the use case (e.g. the four-eyes rule); `failed` with the error code for anything else.
 * `outcome` words what an `ok` action did (counts, never content), as the entry's reason. With
 * GW_REDIS_WAIT_REPLICAS an `ok` is returned once the entry and the action's `writes` are on the
 * replicas, else it throws 503 GW_UNAVAILABLE (README.md#replicas).
 */
export async function auditedAction<T>(
  audit: AuditLog,
  request: OperatorRequest,
  action: OperatorAction,
  run: () => Promise<T>,
  outcome?: (result: T) => string,
): Promise<T> {
  if (action.right) await requireOperatorRight(audit, request, { ...action, right: action.right });
  // Written before the action, removed once its outcome is in the chain: a process that dies in
  // between leaves the intent, which a gateway records as interrupted (action-intents.ts).
  const intent = await audit.intents.begin(operatorEntry(request, action, 'ok', action.reason));
  const append = async (outcome: AuditOutcome, reason: string | undefined) => {
    await audit.append(operatorEntry(request, action, outcome, reason));
    await audit.intents.ended(intent);
  };
  let result: T;
  try {
    result = await run();
  } catch (error) {
    const refused = isGatewayError(error) && error.status === 403;
    await append(refused ? 'refused' : 'failed', failureReason(error));
    throw error;
  }
  await append('ok', outcome ? outcome(result) : action.reason);
  // What the operator is told is done would survive a fail-over: the action and its entry.
  if (audit.replicated) {
    const { writes = [] } = action;
    await audit.replicated(...(typeof writes === 'function' ? writes() : writes));
  }
  return result;
}

function failureReason(error: unknown): string {
  if (isGatewayError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The header an operator's API read gives its reason in, recorded in the read's audit entry. */
export const REASON_HEADER = 'x-gw-reason';
export const NO_REASON_GIVEN = 'none given (API read without X-Gw-Reason)';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header's text as its sender wrote it. A header value is bytes, read by Node as Latin-1, and
 * fetch clients refuse any character above U+00FF: an operator's reason in Chinese arrives
 * percent-encoded UTF-8 (encodeURIComponent's form, the documented one) or, from curl -H, as
 * raw UTF-8 bytes. Both are decoded; a value that is neither (a literal "100%", Latin-1 text)
 * is kept as sent rather than refused, since the read it explains has already been allowed.
 */
export function headerText(value: string): string {
  if (/[\x80-\xff]/.test(value) && !/[^\x00-\xff]/.test(value)) {
    try {
      return UTF8.decode(Buffer.from(value, 'latin1'));
    } catch {
      return value;
    }
  }
  if (/%[0-9a-f]{2}/i.test(value)) {
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** The reason an unmasked API read records: X-Gw-Reason, else that none was given. */
export function apiReadReason(header: (name: string) => string | undefined): string {
  const sent = header(REASON_HEADER);
  return (sent === undefined ? '' : headerText(sent)).trim() || NO_REASON_GIVEN;
}

/**
 * Audits an API list an operator holding `unmask` was shown with personal text in it (the ids
 * shown as the target, cut to 500 characters), and answers once the entry would survive a
 * fail-over, as an audited action's `ok` does (README.md#replicas).
 */
export async function auditUnmaskedList(
  audit: AuditLog,
  request: OperatorRequest & { header: (name: string) => string | undefined },
  action: string,
  shownIds: readonly string[],
): Promise<void> {
  const target = shownIds.join(',').slice(0, REASON_MAX);
  await audit.append(
    operatorEntry(request, { action, target }, 'ok', apiReadReason(request.header)),
  );
  await audit.replicated?.();
}
