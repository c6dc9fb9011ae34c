// What every console page may use (gateway/console/README.md#adding-a-page): the gateway's
// services the pages act through, and per request the signed-in operator and their session.
// Pages read them with operatorOf(res) / sessionOf(res); requireSignIn (console-guard.ts) puts
// them there, so a page mounted behind it never sees a request without both.
import type { Response } from 'express';
import type { AuditLog } from '../audit/audit-log.ts';
import type { OperatorRequest } from '../audit/operator-audit.ts';
import type { Client, ClientRegistry, OperatorRight } from '../auth/client-registry.ts';
import { locals } from '../http/request-context.ts';
import type { Services } from '../services.ts';
import type { ConsoleSession, ConsoleSessions } from './console-sessions.ts';
import type { SignInLockout } from './sign-in-lockout.ts';

/** The services the console acts through: the same use cases as the operator API. */
export type ConsoleServices = Pick<
  Services,
  | 'config'
  | 'redis'
  | 'store'
  | 'queues'
  | 'callbacks'
  | 'board'
  | 'rectifications'
  | 'evaluations'
  | 'registry'
  | 'provinces'
  | 'routing'
  | 'now'
  | 'catalogueAdmin'
  | 'backlog'
  | 'readinessWarnings'
  | 'logger'
  | 'calendar'
  | 'replicated'
  | 'auditVerifier'
  | 'calendarRecount'
  | 'policy'
  | 'secretUse'
> & { clients: ClientRegistry; audit: AuditLog };

export interface ConsoleDeps {
  readonly services: ConsoleServices;
  readonly sessions: ConsoleSessions;
  readonly lockout: SignInLockout;
  /** Cookies only over https (production). */
  readonly secureCookies: boolean;
}

interface ConsoleLocals {
  consoleSession?: ConsoleSession;
  operator?: Client;
}

export function sessionOf(res: Response): ConsoleSession {
  const session = (res.locals as ConsoleLocals).consoleSession;
  if (!session) throw new Error('sessionOf used on a console route without requireSignIn');
  return session;
}

export function operatorOf(res: Response): Client {
  const operator = (res.locals as ConsoleLocals).operator;
  if (!operator) throw new Error('operatorOf used on a console route without requireSignIn');
  return operator;
}

export function signedIn(res: Response, session: ConsoleSession, operator: Client): void {
  Object.assign(res.locals as ConsoleLocals, { consoleSession: session, operator });
}

/** Whether the signed-in operator holds a right: decides which links and buttons a page shows. */
export function can(res: Response, right: OperatorRight): boolean {
  return operatorOf(res).rights.includes(right);
}

/**
 * The operator as the API sees one without `unmask`: pages that list or show rectifications read
 * through this, so free text (notes, comments) stays masked there even for holders of `unmask`.
 */
export function maskedReader(operator: Client): Client {
  return { ...operator, rights: operator.rights.filter((r) => r !== 'unmask') };
}

/** The signed-in operator's request, as the operator use cases take it (audited under its id). */
export function operatorRequest(res: Response): OperatorRequest {
  return { operator: operatorOf(res), requestId: locals(res).requestId };
}
