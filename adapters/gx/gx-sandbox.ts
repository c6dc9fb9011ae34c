// A stand-in for the 广西 智桂通 open-platform gateway: reads the form, checks app_id, the HMAC-SM3
// sign, the timestamp (±300 s) and the nonce, then the business fields, and dedupes on biz_no.
// Every business outcome is HTTP 200 + code/sub_code, like the platform. The progress method
// answers a case's 办件进度 (gx-status.ts), 40004/CASE_NOT_EXIST for an unknown biz_no.
import {
  assembleSandbox,
  caseNumber,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import { GX_GATEWAY_PATH, type GxSettings } from './gx-adapter.ts';
import { GX_CODES, type GxAnswer } from './gx-codes.ts';
import { GX_METHOD, gxSignValid, parseGxTime, type GxForm } from './gx-form.ts';
import { GX_PROGRESS_METHOD, toProgress } from './gx-status.ts';

export type GxSandboxSettings = Pick<GxSettings, 'appId' | 'appSecret'>;

/** What the sandbox keeps of one case: the form fields, with the JSON fields parsed back. */
export interface GxReceived {
  form: GxForm;
  payload: unknown;
  materials: unknown;
  postal: unknown;
}

const CLOCK_SKEW_MS = 300_000;
const REQUIRED = ['biz_no', 'item_code', 'applicant_name', 'cert_no', 'target_region', 'payload'];

export function createGxSandbox(options: SandboxOptions<GxSandboxSettings>): Sandbox {
  const { settings } = options;
  const state = sandboxState<GxReceived>('gx', options, (seq) => caseNumber('GX', seq));
  const { table, progression } = state;
  const nonces = new Map<string, number>();

  const reply = (answer: GxAnswer, data?: Record<string, unknown>): SandboxReply => ({
    status: 200,
    body: data ? { ...answer, data } : answer,
  });

  function freshNonce(nonce: string | undefined): boolean {
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > 2 * CLOCK_SKEW_MS) nonces.delete(n);
    if (!nonce || nonces.has(nonce)) return false;
    nonces.set(nonce, now);
    return true;
  }

  function progress(form: GxForm): SandboxReply {
    const known = table.get(form.biz_no ?? '');
    if (!known) return reply(GX_CODES.unknownCase);
    const steps = toProgress(progression.history(known.caseId));
    return reply(GX_CODES.success, {
      biz_no: known.caseId,
      accept_no: known.provinceCaseNo,
      progress: steps,
    });
  }

  function handle(request: SandboxRequest): SandboxReply {
    if (request.method !== 'POST' || request.path !== GX_GATEWAY_PATH) {
      return { status: 404, body: { code: '40400', msg: 'not found' } };
    }
    const form = formOf(request);
    if (form.method !== GX_METHOD && form.method !== GX_PROGRESS_METHOD) {
      return reply(GX_CODES.invalidParam);
    }
    if (form.app_id !== settings.appId) return reply(GX_CODES.badAppId);
    if (form.sign_type !== 'HMAC-SM3' || !gxSignValid(form, settings.appSecret)) {
      return reply(GX_CODES.badSign);
    }
    const at = parseGxTime(form.timestamp ?? '');
    if (!(Math.abs(Date.now() - at) <= CLOCK_SKEW_MS)) return reply(GX_CODES.badTimestamp);
    if (!freshNonce(form.nonce)) return reply(GX_CODES.nonceRepeated);
    if (form.method === GX_PROGRESS_METHOD) return progress(form);
    if (REQUIRED.some((f) => !form[f])) return reply(GX_CODES.missingParam);
    let received: GxReceived;
    try {
      received = {
        form,
        payload: JSON.parse(form.payload ?? ''),
        materials: JSON.parse(form.materials ?? '[]'),
        postal: form.postal === undefined ? undefined : JSON.parse(form.postal),
      };
    } catch {
      return reply(GX_CODES.invalidParam);
    }
    const bizNo = form.biz_no ?? '';
    const { record, duplicate } = table.receive(bizNo, received);
    if (!duplicate)
      progression.begin(bizNo, record.provinceCaseNo, {
        itemCode: form.item_code ?? '',
        payload: received.payload,
      });
    const data = { biz_no: bizNo, accept_no: record.provinceCaseNo };
    return reply(duplicate ? GX_CODES.duplicate : GX_CODES.success, data);
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: () => reply(GX_CODES.busy),
      permanentReply: () => reply(GX_CODES.invalidParam),
      isQuery: (request) => formOf(request).method === GX_PROGRESS_METHOD,
    },
    state.faults,
  );
  return assembleSandbox(server, state);
}

function formOf(request: SandboxRequest): GxForm {
  return Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
}
