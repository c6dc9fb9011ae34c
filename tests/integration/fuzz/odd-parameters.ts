// The odd path and query values the route sweeps send (route-sweep.test.ts for the API,
// console-sweep.test.ts for the console), and the records they make so each id exists: a refusal
// is then the odd input's doing, not a missing record's.
import { expect } from 'vitest';
import type { ApiGateway } from '../../support/api-gateway.ts';
import { seedDraftItem } from '../../support/catalogue.ts';
import { close, submit } from '../../support/case-flow.ts';
import { evaluate } from '../../support/evaluation-flow.ts';

/** Path parameters: NUL, `..`, over-long, broken percent-encoding, full-width digits, a slash. */
export const ODD_IDS = [
  '%00',
  '..',
  '%2e%2e',
  'A'.repeat(300),
  '%E0%A4%A',
  '%zz',
  '%EF%BC%91%EF%BC%92%EF%BC%93', // １２３
  '%F0%9F%98%80',
  'x%2Fy',
  '-1',
  '%E2%80%AE530323',
  '__proto__',
];

/**
 * Query (and form) values. Long, but not past Node's 16 KiB of headers with a page's every
 * parameter at once (the HTTP server answers a longer request line with its own 431).
 */
export const ODD_VALUES = [
  'x'.repeat(300),
  '%00',
  '-1',
  '1e400',
  '9'.repeat(40),
  '%EF%BC%91%EF%BC%92', // １２
  '%E2%80%AE', // a bidirectional override
  '%E0%A4%A',
  '2026-02-30',
  '[]',
  '__proto__',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%2F%2Fevil.example%2F',
];

/** A closed case, its 差评's rectification and a draft of SF-009: ids that exist. */
export async function sweepRecords(gw: ApiGateway): Promise<Record<string, string>> {
  const { caseId } = await submit(gw);
  await close(gw, 'province-yn', caseId, new Date().toISOString());
  const rated = await evaluate(gw, caseId, { level: 1, rated: 'handling' });
  const draft = await gw
    .client('operator-dev')
    .request<{ draftId: string }>('POST', '/v1/admin/catalogue/drafts', {
      json: { itemCode: 'SF-009', item: seedDraftItem('SF-009') },
    });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  return {
    caseId,
    rectificationId: rated.body.rectification!.id,
    draftId: draft.body.draftId,
    code: 'SF-009',
  };
}
