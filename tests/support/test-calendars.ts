// A 2027 working-day calendar for the recount's tests. TEST DATA — a plausible 元旦 and 春节 with one
// 补班 Saturday — not the State Council's notice: config/calendars/ holds no 2027 on purpose, so
// /readyz warns until an operator publishes the real one.
export const TEST_2027 = {
  year: 2027,
  source: 'test data: not the official 2027 notice',
  holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
  extraWorkingDays: ['2027-02-20'],
};
