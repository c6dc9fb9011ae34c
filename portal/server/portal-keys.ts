// Every Redis key the reference portal owns (README.md#the-taxpayer-portal), under its own prefix
// (PORTAL_REDIS_PREFIX) so it can share a Redis with the gateway or another portal. A session is
// keyed by the SHA-256 of its id: whoever reads the keyspace (a dump, MONITOR, a slow log) finds no
// cookie that would log them in.
import { createHash } from 'node:crypto';

export interface PortalKeys {
  /** Hash {login, csrf} of one session, expiring after the session's idle time. */
  session(sessionId: string): string;
  /** Counter of a login's recent failed attempts, expiring with its lock. */
  loginFailures(login: string): string;
  /** Hash of what the portal remembers of one case it submitted (portal-cases.ts). */
  case(caseId: string): string;
  /** Sorted set of the case ids an account submitted, scored by submission time (ms). */
  accountCases(login: string): string;
}

export function sessionDigest(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url');
}

export function portalKeys(prefix: string): PortalKeys {
  return {
    session: (sessionId) => `${prefix}:session:${sessionDigest(sessionId)}`,
    loginFailures: (login) => `${prefix}:login-failures:${login}`,
    case: (caseId) => `${prefix}:case:${caseId}`,
    accountCases: (login) => `${prefix}:account:${login}:cases`,
  };
}
