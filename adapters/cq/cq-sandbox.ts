// A stand-in for 渝快办's open API: the client-credentials token endpoint (RFC 6749 §4.4, errors
// per §5.2), bearer checks on the 办件 endpoint (401 errcode 40101 with WWW-Authenticate), body
// checks (400 40001), the handling area inside 重庆 (400 40002), and dedupe on out_biz_no
// (200 with repeat: true), and the 办件过程 query (cq-status.ts). Tests can expire every issued token
// to exercise the adapter's refresh.
import { randomBytes } from 'node:crypto';
import {
  assembleSandbox,
  caseNumber,
  header,
  jsonBody,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import type { CqSettings } from './cq-adapter.ts';
import { CQ_SCOPE, CQ_TOKEN_PATH } from './cq-token.ts';
import { CQ_PROCESS_PATH, CQ_UNKNOWN_CASE, toProcess } from './cq-status.ts';
import { CQ_CASES_PATH, type CqBanjian } from './cq-wire.ts';

export type CqSandboxSettings = Pick<CqSettings, 'clientId' | 'clientSecret'>;

export interface CqSandboxOptions extends SandboxOptions<CqSandboxSettings> {
  /** expires_in of issued tokens; default 7200 s like the platform. */
  tokenTtlSeconds?: number;
}

export interface CqSandbox extends Sandbox {
  /** Makes every issued token expired, as after a key rotation. */
  expireTokens(): void;
  /** How many tokens the token endpoint has issued. */
  tokensIssued(): number;
}

const isQuery = (request: SandboxRequest) =>
  request.method === 'GET' && request.path === CQ_PROCESS_PATH;

function errcode(
  status: number,
  code: number,
  errmsg: string,
  headers?: Record<string, string>,
): SandboxReply {
  return { status, headers, body: { errcode: code, errmsg } };
}

function valid(body: unknown): body is CqBanjian {
  const b = body as Partial<CqBanjian> | undefined;
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    filled(b?.out_biz_no) &&
    filled(b?.item_code) &&
    filled(b?.handle_area_code) &&
    filled(b?.applicant?.name) &&
    filled(b?.applicant?.cert_no) &&
    typeof b?.form === 'object' &&
    Array.isArray(b.materials)
  );
}

export function createCqSandbox(options: CqSandboxOptions): CqSandbox {
  const { clientId, clientSecret } = options.settings;
  const ttlSeconds = options.tokenTtlSeconds ?? 7200;
  const state = sandboxState<CqBanjian>('cq', options, (seq) => caseNumber('YKB50', seq));
  const { table, progression } = state;
  const tokens = new Map<string, number>();
  let issued = 0;

  function issueToken(request: SandboxRequest): SandboxReply {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const basic = /^Basic (.+)$/.exec(header(request, 'authorization') ?? '')?.[1] ?? '';
    const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(/:(.*)/s);
    if (decodeURIComponent(id) !== clientId || decodeURIComponent(secret) !== clientSecret) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="ykb"' },
        body: { error: 'invalid_client' },
      };
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
    const token = randomBytes(24).toString('hex');
    tokens.set(token, Date.now() + ttlSeconds * 1000);
    issued += 1;
    const body = {
      access_token: token,
      token_type: 'Bearer',
      expires_in: ttlSeconds,
      scope: CQ_SCOPE,
    };
    return { status: 200, headers: { 'cache-control': 'no-store' }, body };
  }

  function bearerValid(request: SandboxRequest): boolean {
    const token = /^Bearer (\S+)$/.exec(header(request, 'authorization') ?? '')?.[1];
    const expires = token === undefined ? undefined : tokens.get(token);
    return expires !== undefined && expires > Date.now();
  }

  function process(request: SandboxRequest): SandboxReply {
    const known = table.get(request.query.get('out_biz_no') ?? '');
    if (!known) return errcode(404, CQ_UNKNOWN_CASE, '办件不存在');
    const data = {
      bjbh: known.provinceCaseNo,
      process: toProcess(progression.history(known.caseId)),
    };
    return { status: 200, body: { errcode: 0, errmsg: 'ok', data } };
  }

  function handle(request: SandboxRequest): SandboxReply {
    if (request.method === 'POST' && request.path === CQ_TOKEN_PATH) return issueToken(request);
    const query = isQuery(request);
    if (!query && (request.method !== 'POST' || request.path !== CQ_CASES_PATH)) {
      return errcode(404, 40400, '接口不存在');
    }
    if (!bearerValid(request)) {
      return errcode(401, 40101, 'access_token 无效或已过期', {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
    if (query) return process(request);
    const body = jsonBody(request);
    if (!valid(body)) return errcode(400, 40001, '参数错误');
    if (!body.handle_area_code.startsWith('50')) return errcode(400, 40002, '办理地不在重庆市');
    const { record, duplicate } = table.receive(body.out_biz_no, body);
    if (!duplicate)
      progression.begin(body.out_biz_no, record.provinceCaseNo, {
        itemCode: body.item_code,
        payload: body.form,
      });
    return {
      status: 200,
      body: { errcode: 0, errmsg: 'ok', data: { bjbh: record.provinceCaseNo, repeat: duplicate } },
    };
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: () => errcode(503, 50301, '系统繁忙', { 'retry-after': '1' }),
      permanentReply: () => errcode(400, 40001, '参数错误'),
      // The knobs stand for the 办件 service; the token service is a separate, sturdier system.
      faultsApply: (request) => request.path !== CQ_TOKEN_PATH,
      isQuery,
    },
    state.faults,
  );
  return assembleSandbox(server, state, {
    expireTokens: () => {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    tokensIssued: () => issued,
  });
}
