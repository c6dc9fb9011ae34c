// 贵州's 办件进度查询 (status query, adapters/README.md#status-query): the usual signed envelope to
// the progress endpoint, its data the SM4-encrypted `{ ywlsh }`; a code-0 answer's data is
// `{ ywlsh, slbh, bjgc: [{ hj, sj, sm?, slbh?, jg? }] }` — one 环节 per step: hj (our event type),
// sj (time), sm (说明), slbh, jg (结果). Code 30003 (HTTP 404) is "no such case". Both directions of
// the mapping live here.
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';

export const GZ_PROGRESS_PATH = '/gzzwfw/open/v1/case/progress';
export const GZ_UNKNOWN_CASE = '30003';

export interface GzHuanjie {
  hj: string;
  sj: string;
  sm?: string;
  slbh?: string;
  jg?: Record<string, unknown>;
}

/** The progress answer's business JSON. */
export interface GzProgressData {
  ywlsh: string;
  slbh: string;
  bjgc: GzHuanjie[];
}

export function toBjgc(events: readonly ProvinceEventBody[]): GzHuanjie[] {
  return events.map((e) => ({
    hj: e.type,
    sj: e.at,
    ...(e.note === undefined ? {} : { sm: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { slbh: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { jg: e.result }),
  }));
}

export function fromBjgc(entries: unknown): ReportedEvent[] {
  return entriesOf('gz', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof GzHuanjie, unknown>>;
    return reportedEvent('gz', {
      type: e.hj,
      at: e.sj,
      note: e.sm,
      provinceCaseNo: e.slbh,
      result: e.jg,
    });
  });
}
