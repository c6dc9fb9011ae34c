// `data-keys census | reseal --portal` (README.md#operator-cli, README.md#the-taxpayer-portal): the
// same retirement of a data key for the reference portal's keys (PORTAL_DATA_KEYS), which seal its
// case records' form values. The portal has no operator API, so this is the one command that opens
// a Redis itself: the portal's, with the portal's own PORTAL_REDIS_URL, PORTAL_REDIS_PREFIX and
// PORTAL_DATA_KEYS from the environment (portal-config.ts), page after page of one SCAN
// (portal/server/portal-sealed-records.ts). Whoever runs it holds the portal's keys; the gateway
// neither sees nor audits it.
import { DATA_KEY_PAGE_DEFAULT, verdictsOf } from '../../gateway/admin/data-keys.ts';
import { loadPortalStoreConfig, PortalConfigError } from '../../portal/server/portal-config.ts';
import { connectPortalRedis } from '../../portal/server/portal-process.ts';
import {
  PortalSealedRecords,
  type PortalCensusPage,
  type PortalResealPage,
} from '../../portal/server/portal-sealed-records.ts';
import { CommandFailure } from '../command-failure.ts';
import { counts, printVerdicts, total } from './data-key-report.ts';
import { progress } from './progress-bar.ts';

const PORTAL: Parameters<typeof printVerdicts>[1] = {
  variable: 'PORTAL_DATA_KEYS',
  reseal: 'data-keys reseal --portal',
  opener: 'this portal',
};

type CensusSum = Omit<PortalCensusPage, 'next'>;
type ResealSum = Omit<PortalResealPage, 'next'>;

async function withPortalStore<T>(
  env: NodeJS.ProcessEnv,
  run: (records: PortalSealedRecords) => Promise<T>,
): Promise<T> {
  let config;
  try {
    config = loadPortalStoreConfig(env);
  } catch (error) {
    if (!(error instanceof PortalConfigError)) throw error;
    throw new CommandFailure(`the portal's settings: ${error.problems.join('; ')}`);
  }
  const redis = await connectPortalRedis(config);
  try {
    return await run(
      new PortalSealedRecords({ redis, prefix: config.redisPrefix, dataKeys: config.dataKeys }),
    );
  } finally {
    redis.disconnect();
  }
}

async function census(records: PortalSealedRecords, limit: number): Promise<CensusSum> {
  const bar = progress('portal census: {value} case records counted', 0);
  const sum: CensusSum = { currentKeyId: '', listedKeyIds: [], cases: 0, formValues: {} };
  let cursor: string | null = '0';
  try {
    do {
      const { next, ...page }: PortalCensusPage = await records.census(cursor, limit);
      sum.currentKeyId = page.currentKeyId;
      sum.listedKeyIds = page.listedKeyIds;
      sum.cases += page.cases;
      for (const [id, n] of Object.entries(page.formValues))
        sum.formValues[id] = (sum.formValues[id] ?? 0) + n;
      bar.update(sum.cases);
      cursor = next;
    } while (cursor);
  } finally {
    bar.stop();
  }
  return sum;
}

async function reseal(
  records: PortalSealedRecords,
  limit: number,
  todo: number,
): Promise<ResealSum> {
  const bar = progress('portal re-seal [{bar}] {value}/{total} records', todo);
  const sum: ResealSum = { currentKeyId: '', cases: 0, resealed: 0, unreadable: [], changed: [] };
  let cursor: string | null = '0';
  try {
    do {
      const { next, ...page }: PortalResealPage = await records.reseal(cursor, limit);
      sum.currentKeyId = page.currentKeyId;
      sum.cases += page.cases;
      sum.resealed += page.resealed;
      sum.unreadable.push(...page.unreadable);
      sum.changed.push(...page.changed);
      bar.update(sum.resealed + sum.unreadable.length);
      cursor = next;
    } while (cursor);
  } finally {
    bar.stop();
  }
  return sum;
}

const verdicts = (sum: CensusSum) => verdictsOf(sum.currentKeyId, sum.listedKeyIds, sum.formValues);

function printCensus(sum: CensusSum): void {
  console.log(`portal: current key ${sum.currentKeyId}; listed ${sum.listedKeyIds.join(', ')}`);
  console.log(`case records ${sum.cases}`);
  console.log(`form values by key: ${counts(sum.formValues)}`);
  printVerdicts(verdicts(sum), PORTAL);
}

function printReseal(sum: ResealSum): void {
  console.log(
    `portal: re-sealed under ${sum.currentKeyId}: ${sum.resealed} form values (${sum.cases} case records seen)`,
  );
  if (sum.unreadable.length > 0) {
    console.log(`left as they are, not opened here: ${sum.unreadable.length}`);
    for (const u of sum.unreadable)
      console.log(`  ${u.caseId} form values: ${u.problem}${u.keyId ? ` (key ${u.keyId})` : ''}`);
  }
  if (sum.changed.length > 0)
    console.log(
      `changed while being re-sealed, run again: ${sum.changed.length} (${sum.changed.join(', ')})`,
    );
}

export interface PortalRunOptions {
  limit?: number;
  json?: boolean;
}

/** `data-keys census --portal`. */
export function portalCensus(env: NodeJS.ProcessEnv, options: PortalRunOptions): Promise<void> {
  return withPortalStore(env, async (records) => {
    const sum = await census(records, options.limit ?? DATA_KEY_PAGE_DEFAULT);
    if (options.json) console.log(JSON.stringify({ ...sum, keys: verdicts(sum) }, null, 2));
    else printCensus(sum);
  });
}

/** `data-keys reseal --portal`: census, re-seal, census. */
export function portalReseal(env: NodeJS.ProcessEnv, options: PortalRunOptions): Promise<void> {
  return withPortalStore(env, async (records) => {
    const limit = options.limit ?? DATA_KEY_PAGE_DEFAULT;
    const before = await census(records, limit);
    const todo = total(before.formValues) - (before.formValues[before.currentKeyId] ?? 0);
    const sum = await reseal(records, limit, todo);
    const after = await census(records, limit);
    if (options.json) {
      console.log(JSON.stringify({ ...sum, census: after, keys: verdicts(after) }, null, 2));
      return;
    }
    printReseal(sum);
    printCensus(after);
  });
}
