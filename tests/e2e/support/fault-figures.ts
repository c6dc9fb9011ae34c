// The figures every fault test prints and asserts (README.md#fault-figures):
//   accepted        submissions that got their 202 (after any retries with the same key)
//   lost            accepted cases not found in Redis after recovery            — must be 0
//   stuck           accepted cases not CLOSED by the deadline after recovery     — must be 0
//   deliveredTwice  gateway case ids a province holds under two provincial cases — must be 0
// plus what explains them: 503s and unreachable answers the portals retried, cases stored (a
// stored-then-503 case found again by its retry is counted once), refusals (must be 0).
// Read from the gateway's Redis (case hashes) and the sandboxes' journals (each province's own
// idempotency table, adapters/README.md#sandbox-persistence).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { readJournal } from '../../../adapters/kit/sandbox-journal.ts';
import { redisKeys } from '../../../gateway/shared/redis-keys.ts';
import { waitFor } from '../../support/redis.ts';
import type { Submission } from './portal-load.ts';

export interface FaultFigures {
  accepted: number;
  lost: number;
  stuck: number;
  deliveredTwice: number;
  /** 503 answers and unreachable tries, all retried with the same key. */
  retried: number;
  /** Case records stored during the run (parents and single cases): must equal accepted. */
  stored: number;
  /** Submissions that ended without a 202 (a 4xx, or out of retry time): must be 0. */
  refused: number;
  /** What each refused submission was answered, try by try (`409 503 503`), to tell why. */
  refusedAnswers: string[];
}

/** Status of each case, in one pipeline (undefined: no record). */
async function statusesOf(redis: Redis, prefix: string, ids: string[]) {
  const keys = redisKeys(prefix);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(keys.case(id), 'status');
  const answers = (await pipeline.exec()) ?? [];
  return answers.map(([, status]) => (typeof status === 'string' ? status : undefined));
}

/**
 * Parent and single case hashes under the prefix: `<p>:{s<n>}:case:<id>`, where a child's id
 * carries `-<n>` and a list or set adds `:history` or `:events`.
 */
export async function storedCases(redis: Redis, prefix: string): Promise<number> {
  let count = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:{s*}:case:*`, 'COUNT', 1000);
    cursor = next;
    count += keys.filter((k) => /:case:[0-9A-Z]+$/.test(k)).length;
  } while (cursor !== '0');
  return count;
}

/** Gateway case ids that some province's journal holds under two provincial cases. */
export function deliveredTwice(sandboxDir: string): number {
  let twice = 0;
  for (const file of readdirSync(sandboxDir).filter((f) => f.endsWith('.jsonl'))) {
    const cases = new Map<string, number>();
    for (const entry of readJournal(join(sandboxDir, file))) {
      if (entry.k === 'case') cases.set(entry.caseId, (cases.get(entry.caseId) ?? 0) + 1);
    }
    twice += [...cases.values()].filter((n) => n > 1).length;
  }
  return twice;
}

export async function measureFaultFigures(options: {
  redis: Redis;
  prefix: string;
  submissions: readonly Submission[];
  sandboxDir: string;
  /** How long accepted cases get to close after the load. */
  closeWithinMs: number;
  /** Case records stored before the run (storedCases). */
  storedBefore?: number;
}): Promise<FaultFigures> {
  const { redis, prefix, submissions } = options;
  const ids = submissions.flatMap((s) => (s.caseId ? [s.caseId] : []));
  let statuses: (string | undefined)[] = [];
  try {
    await waitFor(
      async () => {
        statuses = await statusesOf(redis, prefix, ids);
        return statuses.every((s) => s === 'CLOSED');
      },
      { timeoutMs: options.closeWithinMs, intervalMs: 250, what: 'every accepted case CLOSED' },
    );
  } catch {
    // counted as stuck below
  }
  return {
    accepted: new Set(ids).size,
    lost: statuses.filter((s) => s === undefined).length,
    stuck: statuses.filter((s) => s !== undefined && s !== 'CLOSED').length,
    deliveredTwice: deliveredTwice(options.sandboxDir),
    retried: submissions.reduce((n, s) => n + s.answers.filter((a) => a !== 202).length, 0),
    stored: (await storedCases(redis, prefix)) - (options.storedBefore ?? 0),
    refused: submissions.filter((s) => !s.caseId).length,
    refusedAnswers: submissions.filter((s) => !s.caseId).map((s) => s.answers.join(' ')),
  };
}

export function printFaultFigures(scenario: string, figures: FaultFigures): void {
  const { accepted, lost, stuck, deliveredTwice: twice, retried, stored, refused } = figures;
  console.log(
    `[fault figures] ${scenario}: accepted=${accepted} lost=${lost} stuck=${stuck} deliveredTwice=${twice}` +
      ` (retried answers=${retried}, stored cases=${stored}, refused=${refused})` +
      (figures.refusedAnswers.length
        ? ` refused answers: ${figures.refusedAnswers.join('; ')}`
        : ''),
  );
}
