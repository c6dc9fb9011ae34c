// A 2027 working-day calendar for the recount's tests. TEST DATA — a plausible 元旦 and 春节 with one
// 补班 Saturday — not the State Council's notice: config/calendars/ holds no 2027 on purpose, so
// /readyz warns until an operator publishes the real one. And the two gateways those tests run.
import { startApiGateway, type ApiGateway } from './api-gateway.ts';
import { approveCalendarDraft } from './catalogue.ts';

export const TEST_2027 = {
  year: 2027,
  source: 'test data: not the official 2027 notice',
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  extraWorkingDays: ['2027-02-20'],
};

/**
 * Two gateways on one Redis (key prefix `prefix`), each following the published catalogue, on one
 * injected clock; `b` runs no relay. The recount's tests: whichever claims a year runs it.
 */
export async function startTwoGateways(
  prefix: string,
  now: () => Date,
): Promise<[ApiGateway, ApiGateway]> {
  const env = { GW_KEY_PREFIX: prefix };
  const a = await startApiGateway(env, { now, liveCatalogue: true });
  const b = await startApiGateway(env, { now, liveCatalogue: true, relay: false });
  return [a, b];
}

/**
 * Publishes `calendar` through a calendar draft on `a`, as two operators would. `a` serves it at
 * once (its approve syncs), `b` at its next reload: made now, not after a poll.
 */
export async function publishCalendar(
  a: ApiGateway,
  b: ApiGateway,
  calendar: typeof TEST_2027,
): Promise<void> {
  await approveCalendarDraft(a.client('operator-dev'), a.client('operator-dev-2'), calendar);
  await b.services.catalogue.sync();
}

/** The history entries a recount wrote. */
export const recountEntries = (history: { actor: string; note?: string }[]) =>
  history.filter((h) => h.actor === 'supervisor' && h.note?.includes('工作日历重新计算'));
