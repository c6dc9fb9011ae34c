// 天府通办's 办件过程查询 (status query, adapters/README.md#status-query): a signed POST of the
// 业务流水号, answered in the usual envelope with the case's 受理编号 and its 办件过程 — one entry
// per step (环节) in pinyin field names. Code 20010 is "no such case". Both directions of the
// mapping live here: the sandbox writes entries from the events its progression reported, the
// adapter reads them back into the contract's events.
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';

export const SC_STATUS_PATH = '/tfwb/open/api/kstb/v1/banjian/guocheng';

/** The 办件过程查询 request body. */
export interface ScGuochengChaxun {
  yewuliushuihao: string;
}

/** One 办件过程 entry: 环节 (our event type), 时间, 说明, 受理编号, 结果. */
export interface ScGuocheng {
  huanjie: string;
  shijian: string;
  shuoming?: string;
  slbh?: string;
  jieguo?: Record<string, unknown>;
}

export function toGuocheng(events: readonly ProvinceEventBody[]): ScGuocheng[] {
  return events.map((e) => ({
    huanjie: e.type,
    shijian: e.at,
    ...(e.note === undefined ? {} : { shuoming: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { slbh: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { jieguo: e.result }),
  }));
}

export function fromGuocheng(entries: unknown): ReportedEvent[] {
  return entriesOf('sc', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof ScGuocheng, unknown>>;
    return reportedEvent('sc', {
      type: e.huanjie,
      at: e.shijian,
      note: e.shuoming,
      provinceCaseNo: e.slbh,
      result: e.jieguo,
    });
  });
}
