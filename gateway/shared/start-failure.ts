// What a process start that failed on what its operator gave it logs: the setting and what is
// wrong with it, never a stack trace. A missing client secret, a data key of the wrong length, a
// Redis that does not answer or a port already taken is the operator's to fix, and a stack of the
// gateway's frames only hides the one line that says so (README.md#configuration). Any other
// failure is a bug: its stack stays, for whoever looks into it.
import type { Config } from '../../config/load-config.ts';
import { ConfigError } from '../../config/load-config.ts';
import { ClientConfigError } from '../auth/client-registry.ts';
import { RoutingConfigError } from '../routing/routing-config-error.ts';
import { SupervisionPolicyError } from '../supervision/supervision-policy.ts';
import { StartupError } from './startup-error.ts';

/** The failures whose message already names the setting or file at fault. */
const OPERATOR_FAILURES = [
  ConfigError,
  ClientConfigError,
  RoutingConfigError,
  SupervisionPolicyError,
  StartupError,
];

/**
 * What a failed start logs for a failure of the operator's: its kind and its message as `reason`
 * (no stack); undefined for any other failure, logged whole as `err`.
 */
export function operatorStartFailure(
  error: unknown,
  config: Config,
): { failure: string; reason: string } | undefined {
  if (OPERATOR_FAILURES.some((kind) => error instanceof kind)) {
    const { name, message } = error as Error;
    return { failure: name, reason: message };
  }
  const listen = error as { code?: unknown; syscall?: unknown; port?: unknown; address?: unknown };
  if (listen.code === 'EADDRINUSE' || listen.code === 'EACCES') {
    const where = `${String(listen.address)}:${String(listen.port)}`;
    const setting =
      Number(listen.port) === config.workerMetricsPort
        ? 'GW_WORKER_METRICS_PORT (GW_WORKER_METRICS_HOST)'
        : 'PORT (GW_HOST)';
    const why =
      listen.code === 'EADDRINUSE'
        ? 'is already in use (another gateway or program listens there)'
        : 'may not be listened on by this user';
    return {
      failure: 'ListenError',
      // The system's code stays in the line: it is what an operator searches for, and what a
      // supervisor (tests/support/gateway-process.ts) reads to try another port.
      reason: `${setting}: ${where} ${why} (${listen.code}): stop what listens there or choose another port`,
    };
  }
  return undefined;
}
