// The 督办 engine of a test gateway (gateway/supervision/supervision.ts): its deps as the worker
// builds them, so a test runs a pass at a time of its choosing.
import type { SupervisorDeps } from '../../gateway/supervision/supervision.ts';
import type { ApiGateway } from './api-gateway.ts';

export function supervisorOf(gw: ApiGateway): SupervisorDeps {
  const s = gw.services;
  return {
    board: s.board,
    kinds: s.supervised,
    policy: s.policy,
    calendar: s.calendar,
    log: s.logger,
    now: s.now,
  };
}

/** What a test reads of a 督办 notice (GET /v1/supervision/notices), and of its page. */
export interface Notice {
  noticeId: string;
  type: string;
  flag: string;
  caseId: string;
  province: string;
}
export interface NoticePage {
  items: Notice[];
  nextCursor: string | null;
}
