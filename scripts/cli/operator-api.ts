// The operator API as the CLI calls it (README.md#operator-cli): signed JSON requests to a gateway,
// as operator <id> with its secret, like any other client — the CLI never reaches Redis itself,
// so it works against any gateway and the gateway audits every action under that operator. A
// refusal is turned into one line for the terminal (CommandFailure): the problem's code and detail,
// and what to check for the usual causes (an unknown operator, a wrong secret, a missing right).
import type { Command } from 'commander';
import {
  GatewayClient,
  type GatewayResponse,
  type SignatureMismatchError,
} from '../../gateway/client/gateway-client.ts';
import { loadClientRegistry } from '../../gateway/auth/client-registry.ts';
import { CommandFailure, gatewayRefused, networkCode } from '../command-failure.ts';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8080';
export const DEFAULT_OPERATOR = 'operator-dev';

/** What the CLI's --gateway, --operator and --secret (or GW_CLI_*) resolve to. */
export interface OperatorApiOptions {
  gateway: string;
  operator: string;
  secret: string;
}

/** The options as typed: each may be missing. */
export interface OperatorApiFlags {
  gateway?: string;
  operator?: string;
  secret?: string;
}

export interface OperatorApi {
  readonly gateway: string;
  readonly operator: string;
  /** A JSON answer of 2xx; anything else throws a CommandFailure. */
  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T>;
  /** A 2xx JSON answer with its ETag, for a change made on what was read (If-Match). */
  getTagged<T>(path: string): Promise<{ body: T; etag: string | undefined }>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  /** Any answer, for commands that handle a refusal themselves. */
  request<T>(
    method: string,
    path: string,
    options?: ApiRequestOptions,
  ): Promise<GatewayResponse<T>>;
}

export interface ApiRequestOptions {
  json?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

/** The operator API for the command being run, from its global options and the environment. */
export type ConnectOperator = (command: Command) => OperatorApi;

/**
 * Flags first, then GW_CLI_GATEWAY / GW_CLI_OPERATOR / GW_CLI_SECRET, then — outside production
 * (GW_ENV) — the local defaults: http://127.0.0.1:8080 and operator-dev with its secret from
 * config/clients.dev.json, so beside `npm start` the CLI needs no configuration.
 */
export function resolveOperatorOptions(
  flags: OperatorApiFlags,
  env: NodeJS.ProcessEnv = process.env,
): OperatorApiOptions {
  const production = env.GW_ENV === 'production';
  const gateway = flags.gateway ?? env.GW_CLI_GATEWAY ?? (production ? undefined : DEFAULT_GATEWAY);
  const operator =
    flags.operator ?? env.GW_CLI_OPERATOR ?? (production ? undefined : DEFAULT_OPERATOR);
  if (!gateway) throw new CommandFailure('no gateway: pass --gateway <url> or set GW_CLI_GATEWAY');
  if (!operator) {
    throw new CommandFailure('no operator: pass --operator <id> or set GW_CLI_OPERATOR');
  }
  const secret =
    flags.secret ?? env.GW_CLI_SECRET ?? (production ? undefined : devSecret(operator));
  if (!secret) {
    throw new CommandFailure(
      `no secret for ${operator}: pass --secret or set GW_CLI_SECRET${production ? '' : ` (${operator} is not in config/clients.dev.json)`}`,
    );
  }
  return { gateway: gateway.replace(/\/$/, ''), operator, secret };
}

function devSecret(operator: string): string | undefined {
  return loadClientRegistry({ env: 'development' }).get(operator)?.secret;
}

export function operatorApi(options: OperatorApiOptions): OperatorApi {
  const client = new GatewayClient(options.gateway, {
    clientId: options.operator,
    secret: options.secret,
  });

  async function request<T>(
    method: string,
    path: string,
    { json, query, headers }: ApiRequestOptions = {},
  ): Promise<GatewayResponse<T>> {
    const url = path + queryString(query);
    try {
      return await client.request<T>(method, url, {
        ...(json === undefined ? {} : { json }),
        ...(headers === undefined ? {} : { headers }),
      });
    } catch (error) {
      if (error instanceof TypeError && error.message === 'fetch failed') {
        throw new CommandFailure(
          `cannot reach the gateway at ${options.gateway} (${networkCode(error.cause) ?? 'no answer'}): start the system with \`npm start\` in another terminal, or point --gateway (GW_CLI_GATEWAY) at a running gateway, then run this again`,
        );
      }
      throw error;
    }
  }

  async function expectOk<T>(res: GatewayResponse<T>): Promise<T> {
    if (res.status >= 200 && res.status < 300) return res.body;
    if (res.signatureMismatch)
      throw new CommandFailure(signatureRefusal(options, res.signatureMismatch));
    throw new CommandFailure(refusal(options, res.status, res.body));
  }

  return {
    gateway: options.gateway,
    operator: options.operator,
    request,
    get: async (path, query) => expectOk(await request('GET', path, { query })),
    getTagged: async <T>(path: string) => {
      const res = await request<T>('GET', path);
      return { body: await expectOk(res), etag: res.headers.get('etag') ?? undefined };
    },
    post: async (path, body) => expectOk(await request('POST', path, { json: body })),
    put: async (path, body, headers) =>
      expectOk(await request('PUT', path, { json: body, ...(headers ? { headers } : {}) })),
  };
}

function queryString(query: Record<string, string | number | undefined> | undefined): string {
  const pairs = Object.entries(query ?? {}).filter(
    (pair): pair is [string, string | number] => pair[1] !== undefined,
  );
  if (pairs.length === 0) return '';
  return `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

/**
 * A refused signature, by what differs (gateway/README.md#when-the-signature-does-not-match): no
 * line, so the secret; or a line that something between here and the gateway rewrote.
 */
function signatureRefusal(options: OperatorApiOptions, mismatch: SignatureMismatchError): string {
  if (mismatch.differingLines.length === 0)
    return `GW_AUTH_BAD_SIGNATURE: the gateway computed the string-to-sign the CLI signed — check the secret of ${options.operator} (--secret, GW_CLI_SECRET)`;
  return `${mismatch.message} — something between this machine and ${options.gateway} rewrites the request`;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
  errors?: { path?: string; message?: string }[];
}

/** The one line for a gateway's refusal. */
export function refusal(options: OperatorApiOptions, status: number, body: unknown): string {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  if (status === 503) return gatewayRefused(options.gateway, status, body);
  if (typeof problem.code !== 'string') return gatewayRefused(options.gateway, status, body);
  const fields = (problem.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.path ?? ''} ${e.message ?? ''}`.trim())
    .join('; ');
  const said = `${problem.code}: ${problem.detail ?? problem.title ?? ''}${fields ? ` (${fields})` : ''}`;
  switch (problem.code) {
    case 'GW_AUTH_UNKNOWN_CLIENT':
      return `${said} — the gateway at ${options.gateway} has no client ${options.operator}: check --operator (GW_CLI_OPERATOR)`;
    case 'GW_AUTH_BAD_SIGNATURE':
      return `${said} — check the secret of ${options.operator} (--secret, GW_CLI_SECRET)`;
    case 'GW_AUTH_STALE_TIMESTAMP':
      return `${said} — this machine's clock and the gateway's differ too much`;
    case 'GW_FORBIDDEN':
      return `${said} — ${options.operator} may not do this (the refusal is in the audit chain)`;
    default:
      return said;
  }
}
