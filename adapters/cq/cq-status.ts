// 渝快办's 办件过程 query (status query, adapters/README.md#status-query):
// `GET /ykb/openapi/kstb/v1/banjian/process?out_biz_no=<gateway case id>` with the bearer token,
// answered `{ errcode: 0, data: { bjbh, process: [{ node, node_time, remark?, bjbh?, result? }] } }`,
// or 404 errcode 40401 when the platform holds no 办件 under that out_biz_no. Both directions of
// the mapping live here (the sandbox writes the process list, the adapter reads it back).
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';

export const CQ_PROCESS_PATH = '/ykb/openapi/kstb/v1/banjian/process';
export const CQ_UNKNOWN_CASE = 40401;

export function cqProcessPath(caseId: string): string {
  return `${CQ_PROCESS_PATH}?out_biz_no=${encodeURIComponent(caseId)}`;
}

export interface CqProcessNode {
  node: string;
  node_time: string;
  remark?: string;
  bjbh?: string;
  result?: Record<string, unknown>;
}

export function toProcess(events: readonly ProvinceEventBody[]): CqProcessNode[] {
  return events.map((e) => ({
    node: e.type,
    node_time: e.at,
    ...(e.note === undefined ? {} : { remark: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { bjbh: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { result: e.result }),
  }));
}

export function fromProcess(entries: unknown): ReportedEvent[] {
  return entriesOf('cq', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof CqProcessNode, unknown>>;
    return reportedEvent('cq', {
      type: e.node,
      at: e.node_time,
      note: e.remark,
      provinceCaseNo: e.bjbh,
      result: e.result,
    });
  });
}
