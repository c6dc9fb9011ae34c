// The case the dispatch bench delivers: the SW-005 example envelope (as the intake bench sends it),
// stored the way submit-case.ts stores a single case, but routed to 成都 (sc-chengdu), the simplest
// dialect (JSON + API key). Both the seeding and the baseline worker build it from here.
import { readFileSync } from 'node:fs';
import type { SingleCase } from '../../gateway/cases/case-record.ts';
import type { SubmissionEnvelope } from '../../gateway/catalogue/submission-envelope.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';

export const BENCH_ITEM = 'SW-005';
export const BENCH_ADAPTER = 'sc-chengdu';
export const BENCH_CLIENT = 'portal-sc';

/** schemas/items/SW-005.examples.json valid[0], the body of every intake request. */
export function benchEnvelope(): SubmissionEnvelope {
  // A valid example of the catalogue: it passes the envelope schema (catalogue tests check it).
  const examples = JSON.parse(
    readFileSync(projectPath('schemas/items', `${BENCH_ITEM}.examples.json`), 'utf8'),
  ) as { valid: SubmissionEnvelope[] };
  const example = examples.valid[0];
  if (!example) throw new Error(`no valid example for ${BENCH_ITEM}`);
  return example;
}

export function benchRecord(id: string, at: string): SingleCase {
  return {
    kind: 'single',
    id,
    status: 'ROUTED',
    itemCode: BENCH_ITEM,
    itemVersion: 1,
    mode: 'online',
    clientId: BENCH_CLIENT,
    receivingRegion: '510104',
    route: { adapter: BENCH_ADAPTER, targetRegion: '510104', level: 'county' },
    adapters: [BENCH_ADAPTER],
    createdAt: at,
    updatedAt: at,
    dueAt: at,
    flags: { warning: false, overdue: false, escalated: false },
  };
}
