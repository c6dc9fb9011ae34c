// 藏易通's application status (status query, adapters/README.md#status-query):
// `GET /zyt/openapi/v1/applications/<businessNo>` with the API key — the same front door, so it
// counts against the 5 requests/s — answered `{ businessNo, ticket, status, events: [{ type, time,
// message?, ticket?, decision? }] }` (status: QUEUED until the first event, then the last event's
// type), or 404 NOT_FOUND when the platform holds no application under that businessNo. Both
// directions of the mapping live here.
import type { ReportedEvent } from '../kit/contract.ts';
import { entriesOf, reportedEvent } from '../kit/reported-event.ts';
import type { ProvinceEventBody } from '../kit/sandbox-kit.ts';
import { XZ_APPLICATIONS_PATH } from './xz-wire.ts';

export function xzApplicationPath(businessNo: string): string {
  return `${XZ_APPLICATIONS_PATH}/${encodeURIComponent(businessNo)}`;
}

/** The businessNo of a status path, or undefined for any other path. */
export function businessNoOf(path: string): string | undefined {
  const prefix = `${XZ_APPLICATIONS_PATH}/`;
  if (!path.startsWith(prefix) || path.length === prefix.length) return undefined;
  return decodeURIComponent(path.slice(prefix.length));
}

export interface XzStatusEvent {
  type: string;
  time: string;
  message?: string;
  ticket?: string;
  decision?: Record<string, unknown>;
}

export function toStatus(businessNo: string, ticket: string, events: readonly ProvinceEventBody[]) {
  const list: XzStatusEvent[] = events.map((e) => ({
    type: e.type,
    time: e.at,
    ...(e.note === undefined ? {} : { message: e.note }),
    ...(e.provinceCaseNo === undefined ? {} : { ticket: e.provinceCaseNo }),
    ...(e.result === undefined ? {} : { decision: e.result }),
  }));
  return { businessNo, ticket, status: list.at(-1)?.type ?? 'QUEUED', events: list };
}

export function fromStatusEvents(entries: unknown): ReportedEvent[] {
  return entriesOf('xz', entries).map((entry) => {
    const e = (entry ?? {}) as Partial<Record<keyof XzStatusEvent, unknown>>;
    return reportedEvent('xz', {
      type: e.type,
      at: e.time,
      note: e.message,
      provinceCaseNo: e.ticket,
      result: e.decision,
    });
  });
}
