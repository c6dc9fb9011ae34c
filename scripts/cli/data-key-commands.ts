// `data-keys census | reseal` (README.md#operator-cli, gateway/README.md#key-rotation): a data
// key's retirement from a terminal. Both follow the gateway's cursor page after page (each request
// does bounded work) and sum the pages. census says what each key seals (case envelopes and
// results, evaluation and re-rating comments, history notes, callback jobs' results) and which
// listed keys are still needed; reseal counts first (the progress bar's total), re-seals page
// after page under the gateway's current key (each page audited under the operator), then counts
// again to say which keys can now be removed. Both need the data-keys right.
import { InvalidArgumentError, type Command } from 'commander';
import {
  addCensusPage,
  addResealPage,
  emptyCensus,
  emptyReseal,
  keyVerdicts,
  type CensusAnswer,
  type CensusSum,
  type ResealAnswer,
  type ResealSum,
} from '../../gateway/admin/data-keys.ts';
import { counts, printVerdicts, total } from './data-key-report.ts';
import { progress } from './progress-bar.ts';
import type { ConnectOperator, OperatorApi } from './operator-api.ts';
import { portalCensus, portalReseal } from './portal-data-keys.ts';

const CENSUS = '/v1/admin/data-keys/census';
const RESEAL = '/v1/admin/data-keys/reseal';

async function census(api: OperatorApi, limit: number | undefined): Promise<CensusSum> {
  const bar = progress('census: {value} cases counted', 0);
  const sum = emptyCensus();
  let cursor: string | undefined;
  try {
    do {
      const page = await api.get<CensusAnswer>(CENSUS, { cursor, limit });
      addCensusPage(sum, page);
      bar.update(sum.cases);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } finally {
    bar.stop();
  }
  return sum;
}

function printCensus(sum: CensusSum): void {
  console.log(`current key ${sum.currentKeyId}; listed ${sum.listedKeyIds.join(', ')}`);
  console.log(`cases ${sum.cases}`);
  console.log(`envelopes by key: ${counts(sum.envelopes)}`);
  console.log(`results by key: ${counts(sum.results)}`);
  console.log(`results in clear: ${sum.clearResults}`);
  console.log(`evaluation and re-rating comments by key: ${counts(sum.comments)}`);
  console.log(`history notes by key: ${counts(sum.notes)}`);
  console.log(`delivery failure reasons by key: ${counts(sum.failureReasons)}`);
  console.log(`failure reasons in clear: ${sum.clearFailureReasons}`);
  console.log(`callback results by key: ${counts(sum.callbackResults)}`);
  console.log(`callback results in clear: ${sum.clearCallbackResults}`);
  printVerdicts(keyVerdicts(sum), {
    variable: 'GW_DATA_KEYS',
    reseal: 'data-keys reseal',
    opener: 'this gateway',
  });
}

async function reseal(
  api: OperatorApi,
  limit: number | undefined,
  todo: number,
): Promise<ResealSum> {
  const bar = progress('re-seal [{bar}] {value}/{total} records', todo);
  const sum = emptyReseal();
  let cursor: string | undefined;
  try {
    do {
      const page = await api.post<ResealAnswer>(
        `${RESEAL}?${new URLSearchParams({
          ...(cursor ? { cursor } : {}),
          ...(limit ? { limit: String(limit) } : {}),
        }).toString()}`,
      );
      addResealPage(sum, page);
      bar.update(
        sum.resealed.envelopes +
          sum.resealed.results +
          sum.resealed.comments +
          sum.resealed.notes +
          sum.resealed.failureReasons +
          sum.resealed.callbackResults +
          sum.sealedClearResults +
          sum.sealedClearFailureReasons +
          sum.sealedClearCallbackResults +
          sum.unreadable.length,
      );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } finally {
    bar.stop();
  }
  return sum;
}

function printReseal(sum: ResealSum): void {
  console.log(
    `re-sealed under ${sum.currentKeyId}: ${sum.resealed.envelopes} envelopes, ${sum.resealed.results} results, ${sum.resealed.comments} comments, ${sum.resealed.notes} history notes, ${sum.resealed.failureReasons} failure reasons, ${sum.resealed.callbackResults} callback results; ${sum.sealedClearResults} results, ${sum.sealedClearFailureReasons} failure reasons and ${sum.sealedClearCallbackResults} callback results stored in clear sealed (${sum.cases} cases seen)`,
  );
  if (sum.unreadable.length > 0) {
    console.log(`left as they are, not opened here: ${sum.unreadable.length}`);
    for (const u of sum.unreadable) {
      console.log(`  ${u.id} ${u.record}: ${u.problem}${u.keyId ? ` (key ${u.keyId})` : ''}`);
    }
  }
  if (sum.changed.length > 0) {
    console.log(
      `changed while being re-sealed, run again: ${sum.changed.length} (${sum.changed.join(', ')})`,
    );
  }
}

function limitOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('must be an integer from 1 to 1000');
  return n;
}

const PORTAL_OPTION = [
  '--portal',
  "the reference taxpayer portal's data keys instead: its Redis opened with PORTAL_REDIS_URL, PORTAL_REDIS_PREFIX and PORTAL_DATA_KEYS (not through the gateway, not audited)",
] as const;

interface RunOptions {
  limit?: number;
  json?: boolean;
  portal?: boolean;
}

export function addDataKeyCommands(
  program: Command,
  connect: ConnectOperator,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const group = program
    .command('data-keys')
    .description('the data keys personal data is sealed under: census and re-seal');

  group
    .command('census')
    .description(
      'count the records sealed under each data key: case envelopes and results, comments, history notes, failure reasons, callback results (needs the data-keys right)',
    )
    .option('--limit <n>', 'keys each request asks SCAN for, 1–1000', limitOption)
    .option('--json', 'print JSON')
    .option(...PORTAL_OPTION)
    .action(async (options: RunOptions, command: Command) => {
      if (options.portal) return portalCensus(env, options);
      const sum = await census(connect(command), options.limit);
      if (options.json) console.log(JSON.stringify({ ...sum, keys: keyVerdicts(sum) }, null, 2));
      else printCensus(sum);
    });

  group
    .command('reseal')
    .description(
      "re-seal under the gateway's current data key every record sealed under another, or a result (a case's or a callback job's) in clear (needs the data-keys right; audited)",
    )
    .option('--limit <n>', 'keys each request asks SCAN for, 1–1000', limitOption)
    .option('--json', 'print JSON')
    .option(...PORTAL_OPTION)
    .action(async (options: RunOptions, command: Command) => {
      if (options.portal) return portalReseal(env, options);
      const api = connect(command);
      const before = await census(api, options.limit);
      const notCurrent = (c: Record<string, number>) => total(c) - (c[before.currentKeyId] ?? 0);
      const todo =
        notCurrent(before.envelopes) +
        notCurrent(before.results) +
        notCurrent(before.comments) +
        notCurrent(before.notes) +
        notCurrent(before.failureReasons) +
        notCurrent(before.callbackResults) +
        before.clearResults +
        before.clearFailureReasons +
        before.clearCallbackResults;
      const sum = await reseal(api, options.limit, todo);
      const after = await census(api, options.limit);
      if (options.json) {
        console.log(JSON.stringify({ ...sum, census: after, keys: keyVerdicts(after) }, null, 2));
        return;
      }
      printReseal(sum);
      printCensus(after);
    });
}
