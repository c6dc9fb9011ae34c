// Shared by the catalogue tests: the real division tables (config/divisions.json) as the registry
// is given them in production, and a helper to catch a refusal.
import { loadDivisionTables } from '../../../gateway/divisions/load-division-table.ts';
import { SubmissionRejectedError } from '../../../gateway/catalogue/submission-rejected-error.ts';

/** member: the six members (routing); national: all of China (payload fields). */
export const divisions = loadDivisionTables();

/** The SubmissionRejectedError `run` throws; fails the test when it returns or throws another. */
export function rejectionOf(run: () => unknown): SubmissionRejectedError {
  try {
    run();
  } catch (error) {
    if (error instanceof SubmissionRejectedError) return error;
    throw error;
  }
  throw new Error('expected the submission to be rejected, but it was accepted');
}
