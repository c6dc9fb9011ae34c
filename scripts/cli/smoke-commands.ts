// `smoke`: after a deploy, whether the gateway answers a correctly signed request
// (README.md#production-mode). `npm run demo` signs with a development secret built in, so a
// production deployment had no command to prove it. This one signs as a client the deployment
// lists, its secret read from GW_CLI_CLIENT_SECRET only: a flag would stay in the shell's history
// and show in the process list. The signed request is GET /v1/catalogue/items, which every kind
// of client may read and which changes nothing (the gateway keeps its nonce, as for any request).
// One line per check on stdout; exit 1 when one fails, with the gateway's GW_ code in its line.
import type { Command } from 'commander';
import { GatewayClient, type GatewayResponse } from '../../gateway/client/gateway-client.ts';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { CommandFailure, networkCode } from '../command-failure.ts';
import { DEFAULT_GATEWAY } from './operator-api.ts';

/** The client signed as outside production when none is named: a portal of the development file. */
export const DEFAULT_SMOKE_CLIENT = 'portal-sc';
/** Beyond this, one of the two clocks is not synchronised (the Date header counts whole seconds). */
export const SKEW_WARNING_SECONDS = 5;
const TIMEOUT_MS = 10_000;
const SIGNED_READ = '/v1/catalogue/items';

export interface SmokeTarget {
  gateway: string;
  client: string;
  secret: string;
}

export interface SmokeCheck {
  name: 'reachable' | 'ready' | 'signature accepted' | 'clock skew' | 'catalogue version';
  outcome: 'ok' | 'warn' | 'FAIL' | 'skip';
  detail: string;
}

interface Problem {
  code?: unknown;
  detail?: unknown;
}

/**
 * --gateway or GW_CLI_GATEWAY, --client or GW_CLI_CLIENT, and GW_CLI_CLIENT_SECRET; outside
 * production (GW_ENV) the local gateway, portal-sc and the development file's secret of the
 * client, so beside `npm start` it needs nothing.
 */
export function resolveSmokeTarget(
  flags: { gateway?: string; client?: string; secret?: string },
  env: NodeJS.ProcessEnv,
): SmokeTarget {
  if (flags.secret !== undefined)
    throw new CommandFailure(
      "smoke reads the client's secret from GW_CLI_CLIENT_SECRET only: a --secret flag stays in the shell's history",
    );
  const production = env.GW_ENV === 'production';
  const gateway = flags.gateway ?? env.GW_CLI_GATEWAY ?? (production ? undefined : DEFAULT_GATEWAY);
  if (!gateway) throw new CommandFailure('no gateway: pass --gateway <url> or set GW_CLI_GATEWAY');
  const client =
    flags.client ?? env.GW_CLI_CLIENT ?? (production ? undefined : DEFAULT_SMOKE_CLIENT);
  if (!client) throw new CommandFailure('no client: pass --client <id> or set GW_CLI_CLIENT');
  const secret =
    env.GW_CLI_CLIENT_SECRET ??
    (production ? undefined : loadClientRegistry({ env: 'development' }).get(client)?.secret);
  if (!secret) throw new CommandFailure(`no secret for ${client}: set GW_CLI_CLIENT_SECRET`);
  return { gateway: gateway.replace(/\/$/, ''), client, secret };
}

async function unsigned(url: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, body, ms: Math.round(performance.now() - started) };
}

function why(error: unknown): string {
  if ((error as Error).name === 'TimeoutError') return `no answer within ${TIMEOUT_MS} ms`;
  return networkCode((error as Error).cause) ?? (error as Error).message;
}

/** The signed read's refusal as one line: the gateway's code and detail, and what to check. */
function refused(target: SmokeTarget, res: GatewayResponse): string {
  const problem = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as Problem;
  const said =
    typeof problem.code === 'string'
      ? `${res.status} ${problem.code}: ${typeof problem.detail === 'string' ? problem.detail : ''}`
      : `${res.status}`;
  // The gateway's detail on a bad signature is a signing guide; the client says what differs.
  const mismatch = res.signatureMismatch;
  if (mismatch)
    return mismatch.differingLines.length > 0
      ? `${res.status} ${mismatch.message} — something between this machine and ${target.gateway} rewrites the request`
      : `${res.status} ${mismatch.message} — check GW_CLI_CLIENT_SECRET against the variable its secretEnv names on the gateway`;
  switch (problem.code) {
    case 'GW_AUTH_UNKNOWN_CLIENT':
      return `${said} — the gateway's clients file has no ${target.client} (--client, GW_CLI_CLIENT)`;
    case 'GW_AUTH_STALE_TIMESTAMP':
      return `${said} — this machine's clock and the gateway's differ too much`;
    default:
      return said;
  }
}

/** The gateway's clock against this machine's, in whole seconds (the Date header's precision). */
function skewSeconds(date: string | null, sentAt: number, answeredAt: number): number | undefined {
  const gateway = date ? Date.parse(date) : NaN;
  if (Number.isNaN(gateway)) return undefined;
  // Date drops the milliseconds: the gateway's time was, on average, half a second later.
  return Math.round((gateway + 500 - (sentAt + answeredAt) / 2) / 1000);
}

/** Every check, in order; a check that cannot run for an earlier failure is `skip`. */
export async function smokeChecks(target: SmokeTarget): Promise<SmokeCheck[]> {
  const checks: SmokeCheck[] = [];
  try {
    const health = await unsigned(`${target.gateway}/healthz`);
    checks.push({
      name: 'reachable',
      outcome: health.status === 200 ? 'ok' : 'FAIL',
      detail: `${target.gateway}/healthz answered ${health.status} in ${health.ms} ms`,
    });
  } catch (error) {
    checks.push({
      name: 'reachable',
      outcome: 'FAIL',
      detail: `cannot reach ${target.gateway} (${why(error)})`,
    });
    for (const name of ['ready', 'signature accepted', 'clock skew', 'catalogue version'] as const)
      checks.push({ name, outcome: 'skip', detail: 'the gateway is not reachable' });
    return checks;
  }

  try {
    const ready = await unsigned(`${target.gateway}/readyz`);
    const body = ready.body as { status?: unknown; checks?: unknown };
    checks.push({
      name: 'ready',
      outcome: ready.status === 200 ? 'ok' : 'FAIL',
      detail: `/readyz ${ready.status} ${String(body.status)} ${JSON.stringify(body.checks ?? {})}`,
    });
  } catch (error) {
    checks.push({ name: 'ready', outcome: 'FAIL', detail: `/readyz: ${why(error)}` });
  }

  const client = new GatewayClient(
    target.gateway,
    { clientId: target.client, secret: target.secret },
    { timeoutMs: TIMEOUT_MS },
  );
  const sentAt = Date.now();
  let res: GatewayResponse<{ revision?: unknown; items?: unknown[] }>;
  try {
    res = await client.request('GET', SIGNED_READ);
  } catch (error) {
    checks.push({
      name: 'signature accepted',
      outcome: 'FAIL',
      detail: `GET ${SIGNED_READ}: ${why(error)}`,
    });
    for (const name of ['clock skew', 'catalogue version'] as const)
      checks.push({ name, outcome: 'skip', detail: 'the signed read was not answered' });
    return checks;
  }
  const answeredAt = Date.now();
  const accepted = res.status === 200;
  checks.push({
    name: 'signature accepted',
    outcome: accepted ? 'ok' : 'FAIL',
    detail: accepted
      ? `GET ${SIGNED_READ} signed as ${target.client}: 200`
      : `GET ${SIGNED_READ} signed as ${target.client}: ${refused(target, res)}`,
  });

  const skew = skewSeconds(res.headers.get('date'), sentAt, answeredAt);
  const stale = (res.body as Problem | undefined)?.code === 'GW_AUTH_STALE_TIMESTAMP';
  checks.push(
    skew === undefined
      ? { name: 'clock skew', outcome: stale ? 'FAIL' : 'skip', detail: 'no Date header' }
      : {
          name: 'clock skew',
          outcome: stale ? 'FAIL' : Math.abs(skew) > SKEW_WARNING_SECONDS ? 'warn' : 'ok',
          detail: `the gateway's clock is ${skew >= 0 ? '+' : ''}${skew} s (±1) from this machine's${Math.abs(skew) > SKEW_WARNING_SECONDS ? ': synchronise both clocks (the gateway refuses signatures beyond GW_CLOCK_SKEW_SECONDS, 300 s by default)' : ''}`,
        },
  );

  checks.push(
    accepted
      ? {
          name: 'catalogue version',
          outcome: 'ok',
          detail: `revision ${String(res.body.revision)}, ${res.body.items?.length ?? 0} items`,
        }
      : { name: 'catalogue version', outcome: 'skip', detail: 'the signed read was refused' },
  );
  return checks;
}

export function addSmokeCommand(program: Command, env: NodeJS.ProcessEnv): void {
  program
    .command('smoke')
    .description(
      'after a deploy: the gateway is reachable and ready, accepts a read signed as a client ' +
        '(secret from GW_CLI_CLIENT_SECRET only), its clock, its catalogue revision; changes nothing',
    )
    .option('--client <id>', 'the client to sign as (GW_CLI_CLIENT; portal-sc outside production)')
    .action(async (options: { client?: string }, command: Command) => {
      const global = command.optsWithGlobals<{ gateway?: string; secret?: string }>();
      const target = resolveSmokeTarget({ ...global, ...options }, env);
      const checks = await smokeChecks(target);
      for (const check of checks)
        console.log(`${check.outcome.padEnd(4)}  ${check.name.padEnd(18)}  ${check.detail}`);
      const failed = checks.filter((check) => check.outcome === 'FAIL');
      if (failed.length > 0)
        throw new CommandFailure(
          `smoke check of ${target.gateway} failed: ${failed.map((check) => check.name).join(', ')}`,
        );
    });
}
