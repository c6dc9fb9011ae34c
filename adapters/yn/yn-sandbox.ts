// A stand-in for 云南 一部手机办事通's exchange endpoint: checks the registration code in
// X-Yn-RegCode (-101 when wrong), parses the PACKAGE (-104 when it is not one), checks the fields
// the platform insists on (-102), dedupes on BUSINESSID (-103 with the original SLBH), and answers
// every business outcome as HTTP 200 + RETCODE, like the platform does. Its query endpoint answers
// a case's 办件过程 (yn-status.ts), -106 for an unknown BUSINESSID.
import {
  assembleSandbox,
  caseNumber,
  header,
  sandboxState,
  SandboxServer,
  type Sandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../kit/sandbox-kit.ts';
import { YN_RECEIVE_PATH, YN_REG_CODE_HEADER, type YnSettings } from './yn-adapter.ts';
import { YN_RETCODES } from './yn-codes.ts';
import { toBjgcRecord, YN_QUERY_PATH, YN_UNKNOWN_CASE } from './yn-status.ts';
import { buildPackage, parsePackage, ynTime, type YnPackage, type YnRecord } from './yn-xml.ts';

export type YnSandboxSettings = Pick<YnSettings, 'regCode' | 'sendCode' | 'receiveCode'>;

/** What the sandbox keeps of one case: the head's sender, the RECORD, and YWSJ parsed back. */
export interface YnReceived {
  sendCode: string;
  record: YnRecord;
  payload: unknown;
}

const REQUIRED_FIELDS = ['SXBM', 'SQRLX', 'SQRMC', 'ZJHM', 'BLQH', 'YWSJ'] as const;

export function createYnSandbox(options: SandboxOptions<YnSandboxSettings>): Sandbox {
  const { settings } = options;
  const state = sandboxState<YnReceived>('yn', options, (seq) => caseNumber('YN', seq));
  const { table, progression } = state;

  function answer(
    request: YnPackage | undefined,
    retCode: string,
    record: YnRecord = {},
  ): SandboxReply {
    const xml = buildPackage({
      head: {
        SENDCODE: settings.receiveCode,
        RECEIVECODE: request?.head.SENDCODE ?? '',
        SENDTIME: ynTime(),
        BUSINESSID: request?.head.BUSINESSID ?? '',
        RETCODE: retCode,
        RETMSG: YN_RETCODES[retCode]?.message ?? '',
      },
      record,
    });
    return {
      status: 200,
      headers: { 'content-type': 'application/xml; charset=utf-8' },
      body: xml,
    };
  }

  function handle(request: SandboxRequest): SandboxReply {
    const paths = [YN_RECEIVE_PATH, YN_QUERY_PATH];
    if (request.method !== 'POST' || !paths.includes(request.path)) {
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
    }
    if (header(request, YN_REG_CODE_HEADER) !== settings.regCode) return answer(undefined, '-101');
    const pkg = tryParse(request);
    if (!pkg) return answer(undefined, '-104');
    const businessId = String(pkg.head.BUSINESSID ?? '').trim();
    if (request.path === YN_QUERY_PATH) {
      const known = table.get(businessId);
      if (!known) return answer(pkg, YN_UNKNOWN_CASE);
      const steps = progression.history(known.caseId);
      return answer(pkg, '0', toBjgcRecord(known.provinceCaseNo, steps));
    }
    const missing = REQUIRED_FIELDS.some(
      (f) => typeof pkg.record[f] !== 'string' || !pkg.record[f],
    );
    let payload: unknown;
    try {
      payload = JSON.parse(String(pkg.record.YWSJ));
    } catch {
      return answer(pkg, '-102');
    }
    if (!businessId || missing) return answer(pkg, '-102');
    const { record, duplicate } = table.receive(businessId, {
      sendCode: String(pkg.head.SENDCODE ?? ''),
      record: pkg.record,
      payload,
    });
    if (!duplicate)
      progression.begin(businessId, record.provinceCaseNo, {
        itemCode: String(pkg.record.SXBM),
        payload,
      });
    return answer(pkg, duplicate ? '-103' : '0', { SLBH: record.provinceCaseNo });
  }

  const server = new SandboxServer(
    {
      handle,
      transientReply: (request) => answer(tryParse(request), '-1'),
      permanentReply: (request) => answer(tryParse(request), '-102'),
      isQuery: (request) => request.path === YN_QUERY_PATH,
    },
    state.faults,
  );
  return assembleSandbox(server, state);
}

function tryParse(request: SandboxRequest): YnPackage | undefined {
  try {
    return parsePackage(request.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
