// A stand-in for the 贵州 platform's receiving endpoint. Checks in the platform's order: envelope
// shape (20006), appId (20001), SM2 signature with the gateway's public key (20002), timestamp
// within ±300 s (20004), nonce unseen (20005), SM4 decryption (20003), required fields (30001).
// Every answer, refusals included, is signed with the sandbox's own SM2 key pair, and success
// data is SM4-encrypted under a fresh IV like the request. The progress endpoint answers a case's
// 办件过程 after the same checks (gz-status.ts), 30003 for an unknown ywlsh.
import {
  assembleSandbox,
  caseNumber,
  jsonBody,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import { GZ_RECEIVE_PATH, type GzSettings } from './gz-adapter.ts';
import { GZ_CODES } from './gz-codes.ts';
import { openData, sealEnvelope, verifiedEnvelope, type GzAcceptData } from './gz-envelope.ts';
import { GZ_PROGRESS_PATH, GZ_UNKNOWN_CASE, toBjgc, type GzProgressData } from './gz-status.ts';

export type GzSandboxSettings = Pick<
  GzSettings,
  'appId' | 'sm4Key' | 'publicKey' | 'platformPublicKey'
> & {
  /** The platform's private key: the sandbox signs its answers with it (dev only). */
  sandboxPrivateKey: string;
};

const CLOCK_SKEW_MS = 300_000;

export function createGzSandbox(options: SandboxOptions<GzSandboxSettings>): Sandbox {
  const { settings } = options;
  const keys = { privateKey: settings.sandboxPrivateKey, publicKey: settings.platformPublicKey };
  const state = sandboxState<Record<string, unknown>>('gz', options, (seq) =>
    caseNumber('GZ', seq),
  );
  const { table, progression } = state;
  const nonces = new Map<string, number>();

  function reply(code: string, data?: GzAcceptData | GzProgressData): SandboxReply {
    const known = GZ_CODES[code];
    const envelope = sealEnvelope({ code, msg: known?.msg ?? '' }, data, settings.sm4Key, keys);
    return { status: known?.httpStatus ?? 500, body: envelope };
  }

  function freshNonce(nonce: string | undefined): boolean {
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > 2 * CLOCK_SKEW_MS) nonces.delete(n);
    if (!nonce || nonces.has(nonce)) return false;
    nonces.set(nonce, now);
    return true;
  }

  function progress(data: Record<string, unknown>): SandboxReply {
    const known = typeof data.ywlsh === 'string' ? table.get(data.ywlsh) : undefined;
    if (!known) return reply(GZ_UNKNOWN_CASE);
    const bjgc = toBjgc(progression.history(known.caseId));
    return reply('0', { ywlsh: known.caseId, slbh: known.provinceCaseNo, bjgc });
  }

  function handle(request: SandboxRequest): SandboxReply {
    if (request.method !== 'POST' || ![GZ_RECEIVE_PATH, GZ_PROGRESS_PATH].includes(request.path)) {
      return { status: 404, body: { code: '404', msg: 'not found' } };
    }
    const body = jsonBody(request);
    const raw = body as Record<string, unknown> | undefined;
    if (typeof raw !== 'object' || raw === null || typeof raw.sign !== 'string')
      return reply('20006');
    if (raw.appId !== settings.appId) return reply('20001');
    const envelope = verifiedEnvelope(body, settings.publicKey);
    if (!envelope) return reply('20002');
    if (Math.abs(Date.now() - Number(envelope.timestamp)) > CLOCK_SKEW_MS) return reply('20004');
    if (!freshNonce(envelope.nonce)) return reply('20005');
    let data: Record<string, unknown>;
    try {
      data = openData(envelope, settings.sm4Key) as Record<string, unknown>;
    } catch {
      return reply('20003');
    }
    if (request.path === GZ_PROGRESS_PATH) return progress(data);
    const sqr = data.sqr as Record<string, unknown> | undefined;
    const ywlsh = data.ywlsh;
    if (typeof ywlsh !== 'string' || !ywlsh || !data.sxbm || !data.blqh || !sqr?.mc || !sqr.zjhm) {
      return reply('30001');
    }
    const { record, duplicate } = table.receive(ywlsh, data);
    if (!duplicate)
      progression.begin(ywlsh, record.provinceCaseNo, {
        itemCode: typeof data.sxbm === 'string' ? data.sxbm : '',
        payload: data.ywsj,
      });
    return reply('0', { ywlsh, slbh: record.provinceCaseNo, sfcf: duplicate ? '1' : '0' });
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: () => reply('10001'),
      permanentReply: () => reply('30001'),
      isQuery: (request) => request.path === GZ_PROGRESS_PATH,
    },
    state.faults,
  );
  return assembleSandbox(server, state);
}
