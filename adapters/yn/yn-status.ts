// 一部手机办事通's 办件过程查询 (status query, adapters/README.md#status-query): a PACKAGE whose
// PACKAGEHEAD/BUSINESSID is the gateway case id, POSTed to the query endpoint with the registration
// code. The answer's RECORD carries SLBH and BJGC/HJ — one 环节 per step: HJLX (our event type),
// HJSJ (time), HJSM (说明), SLBH, JGXX (the result, as a JSON string like YWSJ). RETCODE -106 is
// "no such BUSINESSID". Both directions of the mapping live here.
import { TransientDeliveryError, type ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';
import type { YnRecord } from './yn-xml.ts';

export const YN_QUERY_PATH = '/ydbst/exchange/case/query';
export const YN_UNKNOWN_CASE = '-106';

export interface YnHuanjie {
  HJLX: string;
  HJSJ: string;
  HJSM?: string;
  SLBH?: string;
  JGXX?: string;
}

/** The answer's RECORD: SLBH and the 办件过程. */
export function toBjgcRecord(provinceCaseNo: string, events: readonly ProvinceEventBody[]) {
  const hj: YnHuanjie[] = events.map((e) => ({
    HJLX: e.type,
    HJSJ: e.at,
    ...(e.note === undefined ? {} : { HJSM: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { SLBH: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { JGXX: JSON.stringify(e.result) }),
  }));
  return { SLBH: provinceCaseNo, BJGC: { HJ: hj } };
}

export function fromBjgcRecord(record: YnRecord): ReportedEvent[] {
  const bjgc = record.BJGC as { HJ?: unknown } | string | undefined;
  const entries = typeof bjgc === 'object' && bjgc !== null ? bjgc.HJ : undefined;
  return entriesOf('yn', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof YnHuanjie, unknown>>;
    return reportedEvent('yn', {
      type: e.HJLX,
      at: e.HJSJ,
      note: e.HJSM,
      provinceCaseNo: e.SLBH,
      result: typeof e.JGXX === 'string' && e.JGXX !== '' ? parseResult(e.JGXX) : undefined,
    });
  });
}

function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TransientDeliveryError('yn 办件过程 with an unreadable JGXX', undefined, {
      cause: error,
    });
  }
}
