// A stand-in for 天府通办's 跨省通办 intake: checks the X-Tfwb-* signature like the platform's API
// gateway (HTTP 401 with codes 10001–10004), checks the fields it insists on (20001) and that the
// 办理地点 is in 四川 (20003), dedupes on yewuliushuihao (20009 with the original slbh), and
// answers every business outcome as HTTP 200 + envelope code. Its 办件过程查询 answers what the
// progression has reported on a case (sc-status.ts), 20010 for an unknown 业务流水号.
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
import type { ScSettings } from './sc-adapter.ts';
import { SC_CODES } from './sc-codes.ts';
import {
  SC_HEADERS,
  SC_NONCE_TTL_MS,
  SC_TIMESTAMP_WINDOW_MS,
  scSignatureValid,
} from './sc-signing.ts';
import { SC_STATUS_PATH, toGuocheng, type ScGuochengChaxun } from './sc-status.ts';
import { SC_SUBMIT_PATH, type ScShenqing } from './sc-wire.ts';

export type ScSandboxSettings = Pick<ScSettings, 'appId' | 'appSecret'>;

function reply(code: string, data?: object, status = 200): SandboxReply {
  return { status, body: { code, msg: SC_CODES[code]?.message ?? '', ...(data ? { data } : {}) } };
}

function valid(body: unknown): body is ScShenqing {
  const b = body as Partial<ScShenqing> | undefined;
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    filled(b?.yewuliushuihao) &&
    filled(b?.shixiangbianma) &&
    filled(b?.banlididian) &&
    filled(b?.shenqingren?.mingcheng) &&
    filled(b?.shenqingren?.zhengjianhaoma) &&
    typeof b?.yewushuju === 'object' &&
    Array.isArray(b.cailiao)
  );
}

export function createScSandbox(options: SandboxOptions<ScSandboxSettings>): Sandbox {
  const { appId, appSecret } = options.settings;
  const state = sandboxState<ScShenqing>('sc', options, (seq) => caseNumber('SC', seq));
  const { table, progression } = state;
  const nonces = new Map<string, number>();

  /** The platform's gateway checks, in its order; undefined when the call may pass. */
  function authFailure(request: SandboxRequest): SandboxReply | undefined {
    const givenAppId = header(request, SC_HEADERS.appId);
    const timestamp = header(request, SC_HEADERS.timestamp) ?? '';
    const nonce = header(request, SC_HEADERS.nonce) ?? '';
    const sign = header(request, SC_HEADERS.sign) ?? '';
    if (givenAppId !== appId) return reply('10003', undefined, 401);
    const now = Date.now();
    if (!/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > SC_TIMESTAMP_WINDOW_MS) {
      return reply('10002', undefined, 401);
    }
    for (const [n, expires] of nonces) if (expires < now) nonces.delete(n);
    if (!/^[0-9a-f]{32}$/.test(nonce) || nonces.has(nonce)) return reply('10004', undefined, 401);
    const parts = {
      appId,
      timestamp,
      nonce,
      method: request.method,
      path: request.path,
      body: request.body,
    };
    if (!scSignatureValid(appSecret, parts, sign)) return reply('10001', undefined, 401);
    nonces.set(nonce, now + SC_NONCE_TTL_MS);
    return undefined;
  }

  function status(request: SandboxRequest): SandboxReply {
    const body = jsonBody(request) as Partial<ScGuochengChaxun> | undefined;
    if (typeof body?.yewuliushuihao !== 'string') return reply('20001');
    const known = table.get(body.yewuliushuihao);
    if (!known) return reply('20010');
    const guocheng = toGuocheng(progression.history(known.caseId));
    return reply('0', { slbh: known.provinceCaseNo, guocheng });
  }

  function handle(request: SandboxRequest): SandboxReply {
    const paths = [SC_SUBMIT_PATH, SC_STATUS_PATH];
    if (request.method !== 'POST' || !paths.includes(request.path)) {
      return { status: 404, body: { code: '404', msg: '接口不存在' } };
    }
    const refused = authFailure(request);
    if (refused) return refused;
    if (request.path === SC_STATUS_PATH) return status(request);
    const body = jsonBody(request);
    if (!valid(body)) return reply('20001');
    if (!body.banlididian.startsWith('51')) return reply('20003');
    const { record, duplicate } = table.receive(body.yewuliushuihao, body);
    if (!duplicate)
      progression.begin(body.yewuliushuihao, record.provinceCaseNo, {
        itemCode: body.shixiangbianma,
        payload: body.yewushuju,
      });
    return reply(duplicate ? '20009' : '0', { slbh: record.provinceCaseNo });
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: () => reply('50001'),
      permanentReply: () => reply('20001'),
      isQuery: (request) => request.path === SC_STATUS_PATH,
    },
    state.faults,
  );
  return assembleSandbox(server, state);
}
