// 天府蓉易办's application timeline (status query, adapters/README.md#status-query):
// `GET /api/v2/kstb/applications?externalRef=<gateway case id>` with the API key, answered
// `{ applicationNo, timeline: [{ event, occurredAt, remark?, applicationNo?, outcome? }] }`, or a
// 404 problem when the city holds no application under that reference. Both directions of the
// mapping live here (the sandbox writes the timeline, the adapter reads it back).
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';
import { CHENGDU_APPLICATIONS_PATH } from './sc-chengdu-wire.ts';

export const CHENGDU_EXTERNAL_REF = 'externalRef';

export function chengduStatusPath(caseId: string): string {
  return `${CHENGDU_APPLICATIONS_PATH}?${CHENGDU_EXTERNAL_REF}=${encodeURIComponent(caseId)}`;
}

export interface ChengduTimelineEntry {
  event: string;
  occurredAt: string;
  remark?: string;
  applicationNo?: string;
  outcome?: Record<string, unknown>;
}

export function toTimeline(events: readonly ProvinceEventBody[]): ChengduTimelineEntry[] {
  return events.map((e) => ({
    event: e.type,
    occurredAt: e.at,
    ...(e.note === undefined ? {} : { remark: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { applicationNo: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { outcome: e.result }),
  }));
}

export function fromTimeline(entries: unknown): ReportedEvent[] {
  return entriesOf('sc-chengdu', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof ChengduTimelineEntry, unknown>>;
    return reportedEvent('sc-chengdu', {
      type: e.event,
      at: e.occurredAt,
      note: e.remark,
      provinceCaseNo: e.applicationNo,
      result: e.outcome,
    });
  });
}
