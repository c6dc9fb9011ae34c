// 云南 一部手机办事通: one XML package per case, POSTed to the platform's receiving endpoint with
// the registration code (注册码) issued to our system in the X-Yn-RegCode header. The case id is
// PACKAGEHEAD/BUSINESSID, which the platform keeps unique: a second package with the same id is
// answered RETCODE -103 with the original 受理编号 (SLBH), so a retried delivery is a duplicate, not
// a second case. Business outcomes come back as HTTP 200 + RETCODE (yn-codes.ts); HTTP statuses
// other than 200 are the platform's front proxy speaking and are classified like any backend. The
// status query is the same kind of package to the query endpoint (yn-status.ts).
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  type AdapterContext,
  type DeliveryRequest,
  type DeliveryResult,
  type ProvinceAdapter,
  type ProvinceStatus,
  type StatusQuery,
} from '../kit/contract.ts';
import type { DialectSettings } from '../kit/adapter-descriptor.ts';
import { classifyHttpFailure, HttpBackend } from '../kit/http-backend.ts';
import { YN_RETCODES, ynOutcome, type YnOutcome } from './yn-codes.ts';
import { fromBjgcRecord, YN_QUERY_PATH, YN_UNKNOWN_CASE } from './yn-status.ts';
import {
  buildPackage,
  caseRecord,
  parsePackage,
  ynTime,
  type YnPackage,
  type YnRecord,
} from './yn-xml.ts';

export const YN_RECEIVE_PATH = '/ydbst/exchange/case/receive';
export const YN_REG_CODE_HEADER = 'X-Yn-RegCode';

/** The dialect's own keys in config/adapters.json; `required` lists the credentials. */
export const YN_SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    regCode: {
      type: 'string',
      minLength: 1,
      description:
        '注册码 issued by the platform to our system (production: env GW_ADAPTER_YN_REG_CODE).',
    },
    sendCode: {
      type: 'string',
      minLength: 1,
      description: "Our system's exchange code (SENDCODE).",
    },
    receiveCode: {
      type: 'string',
      minLength: 1,
      description: "The platform's exchange code (RECEIVECODE).",
    },
  },
  required: ['regCode', 'sendCode', 'receiveCode'],
} as const;

export type YnSettings = DialectSettings<typeof YN_SETTINGS_SCHEMA>;

export function createYnAdapter(settings: YnSettings): ProvinceAdapter {
  const backend = new HttpBackend('yn', settings);

  /** One package to `path` about `caseId`; the answer with its RETCODE's outcome. */
  async function exchange(path: string, caseId: string, record: YnRecord, context: AdapterContext) {
    const xml = buildPackage({
      head: {
        SENDCODE: settings.sendCode,
        RECEIVECODE: settings.receiveCode,
        SENDTIME: ynTime(),
        BUSINESSID: caseId,
      },
      record,
    });
    const response = await backend.send(
      {
        method: 'POST',
        path,
        text: xml,
        contentType: 'application/xml; charset=utf-8',
        headers: { Accept: 'application/xml', [YN_REG_CODE_HEADER]: settings.regCode },
      },
      context,
    );
    if (response.status !== 200) {
      throw classifyHttpFailure(response.status, response.headers.get('retry-after'));
    }
    const answer = parseAnswer(response.text);
    const retCode = String(answer.head.RETCODE ?? '').trim();
    const outcome = ynOutcome(retCode);
    context.log.debug({ adapter: 'yn', caseId, retCode, outcome }, 'yn answered');
    const slbh = typeof answer.record.SLBH === 'string' ? answer.record.SLBH.trim() : '';
    if (outcome === 'success' || outcome === 'duplicate') {
      if (!slbh) {
        // RETCODE said yes but no 受理编号: the platform is misbehaving; a retry is answered -103.
        throw new TransientDeliveryError(`yn RETCODE ${retCode} without SLBH`);
      }
      // The answer names the BUSINESSID it is about: never attach another case's SLBH to ours.
      if (String(answer.head.BUSINESSID ?? '').trim() !== caseId) {
        throw new PermanentDeliveryError('yn answer is about another BUSINESSID', 'MISMATCH');
      }
    }
    return { answer, retCode, outcome, slbh };
  }

  /** Our table's text, not RETMSG: a field-check message may quote the applicant's data. */
  function failure(retCode: string, outcome: YnOutcome): Error {
    const message = `yn RETCODE ${retCode}: ${YN_RETCODES[retCode]?.message ?? 'unknown code'}`;
    return outcome === 'transient'
      ? new TransientDeliveryError(message)
      : new PermanentDeliveryError(message, retCode);
  }

  async function deliver(
    request: DeliveryRequest,
    context: AdapterContext,
  ): Promise<DeliveryResult> {
    const { retCode, outcome, slbh } = await exchange(
      YN_RECEIVE_PATH,
      request.caseId,
      caseRecord(request),
      context,
    );
    if (outcome === 'success' || outcome === 'duplicate') {
      return { provinceCaseNo: slbh, state: 'received', duplicate: outcome === 'duplicate' };
    }
    throw failure(retCode, outcome);
  }

  async function queryStatus(query: StatusQuery, context: AdapterContext): Promise<ProvinceStatus> {
    const { answer, retCode, outcome, slbh } = await exchange(
      YN_QUERY_PATH,
      query.caseId,
      {},
      context,
    );
    if (retCode === YN_UNKNOWN_CASE) return { found: false };
    if (outcome !== 'success') throw failure(retCode, outcome);
    return { found: true, provinceCaseNo: slbh, events: fromBjgcRecord(answer.record) };
  }

  return { id: 'yn', deliver, queryStatus };
}

function parseAnswer(text: string): YnPackage {
  try {
    const pkg = parsePackage(text);
    if (pkg.head.RETCODE === undefined) throw new Error('no RETCODE');
    return pkg;
  } catch (err) {
    // A 200 that is not a package is a proxy or a half-written answer: worth another try.
    throw new TransientDeliveryError('yn answered 200 without a readable PACKAGE', undefined, {
      cause: err,
    });
  }
}
