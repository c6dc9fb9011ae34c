// How the commands a person types (`npm run demo`, `npm run cli -- …`, `npm start`) fail: one line
// on stderr saying what is wrong and what to do, exit code 1 (or the CommandFailure's own), never
// a stack trace. The usual causes are a gateway or a Redis that is not running, or not where the
// command looks for it.
import { ConfigError } from '../config/load-config.ts';
import { isGatewayError } from '../gateway/shared/errors.ts';
import { exitAfterOutput } from '../gateway/shared/exit-after-output.ts';
import { isRedisUnavailable, redisTargetLabel } from '../gateway/shared/redis.ts';
import { PortalConfigError } from '../portal/server/portal-config.ts';

/** Where the command looked; each failure names the one it could not reach. */
export interface CommandTargets {
  gatewayUrl?: string;
  redisUrl?: string;
}

/** A failure already worded for the person at the terminal, and the exit code it ends with. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

const START_GATEWAY =
  'start the system with `npm start` in another terminal (or set GW_URL to a running gateway), then run this again';

// Node's fetch rejects with TypeError('fetch failed') and the socket error as its cause: the
// first error code down the chain (ECONNREFUSED…), else the innermost message ("bad port").
export function networkCode(error: unknown): string | undefined {
  let innermost: string | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    innermost = e.message;
  }
  return innermost;
}

/** The one line for `error`. */
export function describeFailure(error: unknown, targets: CommandTargets = {}): string {
  if (error instanceof CommandFailure || error instanceof ConfigError) return error.message;
  if (isGatewayError(error)) return `${error.code}: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  if (targets.gatewayUrl && error instanceof TypeError && message === 'fetch failed') {
    const why = networkCode(error.cause) ?? 'no answer';
    return `cannot reach the gateway at ${targets.gatewayUrl} (${why}): ${START_GATEWAY}`;
  }
  return message.split('\n')[0] ?? message;
}

/** The line for a gateway that answered but refused: a 503 means it cannot reach its own Redis. */
export function gatewayRefused(gatewayUrl: string, status: number, body: unknown): string {
  const code = (body as { code?: unknown } | undefined)?.code;
  if (status === 503) {
    return `the gateway at ${gatewayUrl} is up but answers 503 ${typeof code === 'string' ? code : ''}: its Redis is not reachable; check that Redis runs (or restart \`npm start\`), then run this again`;
  }
  return `the gateway at ${gatewayUrl} answered ${status} ${JSON.stringify(body)}`;
}

/** Where REDIS_URL points, without the password (or the Sentinels') the URL may carry. */
function redisWhere(redisUrl: string): string {
  try {
    return redisTargetLabel(redisUrl);
  } catch {
    return 'REDIS_URL';
  }
}

/** npm start's line for a failed start: a REDIS_URL that does not answer says how to do without. */
export function startFailure(error: unknown, redisUrl: string | undefined): string {
  if (redisUrl && isRedisUnavailable(error)) {
    const why = error instanceof Error ? error.message : String(error);
    return `cannot reach Redis at ${redisWhere(redisUrl)} (${why}): start that Redis, or unset REDIS_URL and \`npm start\` runs a private one`;
  }
  // Every problem, one a line: the first line alone said only that something was wrong.
  if (error instanceof ConfigError || error instanceof PortalConfigError) return error.message;
  // The likeliest start failure of all: a second `npm start`, or another program on 8080 or 8081.
  const listen = error as { code?: unknown; address?: unknown; port?: unknown };
  if (listen.code === 'EADDRINUSE') {
    return `start failed: ${String(listen.address)}:${String(listen.port)} is already in use (another \`npm start\`, or another program, listens there): stop it, or choose free ports with PORT (the gateway) and PORTAL_PORT (the taxpayer portal)`;
  }
  return `start failed: ${describeFailure(error)}`;
}

/** Runs a command's main: prints its failure as one line on stderr and exits 1. */
export async function runCommand(
  main: () => Promise<number | void>,
  targets: CommandTargets = {},
): Promise<never> {
  let code: number;
  try {
    code = (await main()) ?? 0;
  } catch (error) {
    console.error(describeFailure(error, targets));
    code = error instanceof CommandFailure ? error.exitCode : 1;
  }
  // Exit explicitly: a failed connection may leave sockets or timers behind. Once the lines are out.
  return exitAfterOutput(code);
}
