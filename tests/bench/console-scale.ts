// `flock /tmp/bench.lock node tests/bench/console-scale.ts`: the console's audit page and 督办 list
// at production scale (gateway/console/README.md#audit-chain-at-scale), on a private Redis and the real gateway
// in this process: an audit chain of 20k, 100k and 300k entries (CONSOLE_SCALE_AUDIT=20000,…),
// each timed as a whole verification (audit.verify) and as the page an operator opens, pages
// back and filters; then 5 000 overdue cases and the board's list of them, page after page.
// Figures are reported, never asserted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import { createHttpServer, listen } from '../../gateway/http/http-server.ts';
import { generateDataKeys } from '../../gateway/personal-data/data-keys.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { rateLimitedLog } from '../../gateway/shared/rate-limited-log.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { createRedis, waitForRedis } from '../../gateway/shared/redis.ts';
import { redisKeys } from '../../gateway/shared/redis-keys.ts';
import { createServices, gatewayApp, loadStaticData } from '../../gateway/services.ts';
import { startPrivateRedis } from '../../scripts/private-redis.ts';
import { ConsoleClient } from '../support/console-client.ts';
import { fillAuditChain, trackOverdueCases } from '../support/console-scale-fill.ts';

const SIZES = (process.env.CONSOLE_SCALE_AUDIT ?? '20000,100000,300000')
  .split(',')
  .filter((n) => n !== '' && n !== 'none')
  .map(Number);
const OVERDUE = Number(process.env.CONSOLE_SCALE_OVERDUE ?? 5000);

const redisServer = await startPrivateRedis({
  dir: mkdtempSync(join(tmpdir(), 'swgw-console-scale-')),
  persistent: false,
});
const config = loadConfig({
  REDIS_URL: redisServer.url,
  GW_KEY_PREFIX: 'bench',
  GW_ENV: 'test',
  GW_DATA_KEYS: generateDataKeys('bench'),
  GW_CONSOLE_IP_LOCK_AFTER_FAILURES: '1000',
  LOG_LEVEL: 'warn',
});
const logger = createLogger({ level: 'warn', env: 'test' });
const redis = createRedis('http', {
  redisUrl: config.redisUrl!,
  redisCommandTimeoutMs: 120_000,
  redisConnectTimeoutMs: config.redisConnectTimeoutMs,
  redisReconnectMaxDelayMs: 200,
});
await waitForRedis(redis, 5000);
const nowMs = Date.parse('2026-12-01T02:00:00Z');
const services = createServices(
  config,
  logger,
  redis,
  loadStaticData(config, logger),
  () => new Date(nowMs),
);
const server = createHttpServer(
  gatewayApp(services, createLifecycle()),
  config,
  rateLimitedLog(logger),
);
server.requestTimeout = 0;
server.headersTimeout = 0;
const url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
const keys = redisKeys(config.keyPrefix, config.redisShards);

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}
const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;

try {
  const operator = await ConsoleClient.signedIn(url, 'operator-dev');
  let filled = 0;
  for (const size of SIZES) {
    const [, fillMs] = await timed(() => fillAuditChain(redis, keys, size - filled));
    filled = size;
    // The best of two: the bench machine is shared, and a figure is what the code costs.
    const [verdict, firstMs] = await timed(() => services.audit.verify());
    const [, secondMs] = await timed(() => services.audit.verify());
    console.log(
      `audit ${size} entries (filled in ${(fillMs / 1000).toFixed(1)} s): verify() ${ms(Math.min(firstMs, secondMs))} (${verdict.ok ? `ok, ${verdict.checked}` : `broken at ${verdict.brokenSeq}`})`,
    );
    const show = async (method: 'GET' | 'POST', path: string) => {
      const [page, pageMs] = await timed(() =>
        method === 'GET'
          ? operator.get(path)
          : operator.csrf().then((csrf) => operator.post(path, { _csrf: csrf })),
      );
      const status = /id="chain-status"[^>]*>([^<]*)/
        .exec(page.text)?.[1]
        ?.replace(/\s+/g, ' ')
        .trim();
      console.log(`  ${method} ${path.padEnd(52)} ${page.status} ${ms(pageMs)}  ${status ?? ''}`);
    };
    // The whole chain verified by the page's button (where there is one), then visits.
    await show('POST', '/console/audit/verify');
    for (const path of [
      '/console/audit',
      '/console/audit',
      `/console/audit?before=${size - 500}`,
      '/console/audit?actor=operator-dev-2&outcome=refused',
    ])
      await show('GET', path);
    await fillAuditChain(redis, keys, 1000);
    filled += 1000;
    await show('GET', '/console/audit');
  }
  const [, boardFillMs] = await timed(() =>
    trackOverdueCases(redis, keys, services.board, OVERDUE, nowMs, {
      province: '53',
      itemCode: 'SF-009',
      shards: config.redisShards,
    }),
  );
  console.log(`board: ${OVERDUE} overdue cases tracked in ${(boardFillMs / 1000).toFixed(1)} s`);
  let path: string | undefined = '/console/board/list?kind=case&state=overdue';
  let pages = 0;
  let rows = 0;
  const times: number[] = [];
  while (path && pages < 100) {
    // Each page twice, the best kept (a shared machine).
    const [page, firstMs] = await timed(() => operator.get(path!));
    const [, againMs] = await timed(() => operator.get(path!));
    const pageMs = Math.min(firstMs, againMs);
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    times.push(pageMs);
    pages += 1;
    rows += [...page.text.matchAll(/data-subject="/g)].length;
    const next = /id="board-next"\s+href="([^"]+)"/.exec(page.text)?.[1];
    path = next?.replaceAll('&amp;', '&');
  }
  times.sort((a, b) => a - b);
  console.log(
    `board list: ${pages} page(s), ${rows} rows; first page ${ms(times[0]!)} … median ${ms(times[Math.floor(times.length / 2)]!)}, slowest ${ms(times.at(-1)!)}`,
  );
} finally {
  server.closeAllConnections();
  server.close();
  await services.closeQueues();
  redis.disconnect();
  await redisServer.stop();
}
