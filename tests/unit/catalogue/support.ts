// Shared by the catalogue tests: the real division table (config/divisions.json,
// schemas/README.md#division-codes) as the lookup the registry is given in production, and a helper
// to catch a refusal.
import { readFileSync } from 'node:fs';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { SubmissionRejectedError } from '../../../gateway/catalogue/submission-rejected-error.ts';

const table = JSON.parse(readFileSync(projectPath('config', 'divisions.json'), 'utf8')) as {
  divisions: { code: string }[];
};
const codes = new Set(table.divisions.map((d) => d.code));

export function divisionExists(code: string): boolean {
  return codes.has(code);
}

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
