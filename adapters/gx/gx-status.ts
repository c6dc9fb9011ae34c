// 智桂通's 办件进度查询 (status query, adapters/README.md#status-query): the open-platform method
// `zgt.case.progress.query`, a signed form with biz_no (our case id), answered with code 10000 and
// `data: { biz_no, accept_no, progress: [{ stage, stage_time, stage_desc?, accept_no?, result? }] }`,
// or 40004/CASE_NOT_EXIST when the platform holds no case under that biz_no. Both directions of
// the mapping live here.
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';
import { signedForm, type GxForm } from './gx-form.ts';

export const GX_PROGRESS_METHOD = 'zgt.case.progress.query';
export const GX_CASE_NOT_EXIST = 'CASE_NOT_EXIST';

export function progressForm(caseId: string, appId: string, appSecret: string): GxForm {
  return signedForm(GX_PROGRESS_METHOD, { biz_no: caseId }, appId, appSecret);
}

export interface GxStage {
  stage: string;
  stage_time: string;
  stage_desc?: string;
  accept_no?: string;
  result?: Record<string, unknown>;
}

export function toProgress(events: readonly ProvinceEventBody[]): GxStage[] {
  return events.map((e) => ({
    stage: e.type,
    stage_time: e.at,
    ...(e.note === undefined ? {} : { stage_desc: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { accept_no: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { result: e.result }),
  }));
}

export function fromProgress(entries: unknown): ReportedEvent[] {
  return entriesOf('gx', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof GxStage, unknown>>;
    return reportedEvent('gx', {
      type: e.stage,
      at: e.stage_time,
      note: e.stage_desc,
      provinceCaseNo: e.accept_no,
      result: e.result,
    });
  });
}
