// The end-to-end harness: the whole local system (gateway, workers, seven sandboxes) on the test
// run's Redis under a per-file prefix, signing clients for the development clients, one valid case
// per adapter, and polls on a case's status. Every wait has a deadline; nothing sleeps a fixed time.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisKeys, routeQueueName } from '../../../gateway/shared/redis-keys.ts';
import { createLogger, loggerSettings } from '../../../gateway/shared/logger.ts';
import { loadConfig, type Config } from '../../../config/load-config.ts';
import { adapterDescriptor, type AdapterId } from '../../../adapters/kit/registry.ts';
import { GatewayClient } from '../../../gateway/client/gateway-client.ts';
import {
  startLocalSystem,
  type LocalSystem,
  type LocalSystemOptions,
} from '../../../scripts/local-system.ts';
import { devSecret, validExample } from '../../support/api-gateway.ts';
import { testDataKeys, testRedisUrl, uniquePrefix, waitFor } from '../../support/redis.ts';

/** waitFor for a value: resolves with the first truthy answer of check(), typed without the falsy. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: Parameters<typeof waitFor>[1],
): Promise<T> {
  return (await waitFor(check, options)) as T;
}

export interface E2eSystem extends LocalSystem {
  config: Config;
  client: (id: string) => GatewayClient;
}

/** Settings every end-to-end file shares; `env` adds or overrides. */
export function e2eConfig(label: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    REDIS_URL: testRedisUrl(),
    GW_KEY_PREFIX: uniquePrefix(label),
    PORT: '0',
    GW_HOST: '127.0.0.1',
    GW_ENV: 'test',
    GW_DATA_KEYS: testDataKeys(),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    GW_DELIVERY_ATTEMPTS: '4',
    GW_DELIVERY_BACKOFF_MS: '50',
    GW_RECONCILE_INTERVAL_MS: '500',
    GW_RECONCILE_AGE_MS: '2000',
    GW_SHUTDOWN_TIMEOUT_MS: '3000',
    ...env,
  });
}

export async function startE2eSystem(
  label: string,
  env: Record<string, string> = {},
  options: LocalSystemOptions = {},
): Promise<E2eSystem> {
  const config = e2eConfig(label, env);
  const logger = createLogger(loggerSettings(config));
  const system = await startLocalSystem(config, logger, { progressionDelayMs: 20, ...options });
  // Assigned, not spread: `gateway` is a getter (restartGateway replaces it).
  return Object.assign(system, {
    config,
    client: (id: string) =>
      new GatewayClient(system.gatewayUrl, { clientId: id, secret: devSecret(id) }),
  });
}

export interface CaseSpec {
  item: string;
  index?: number;
  /** A portal of the receiving region's province. */
  portal: string;
  /** Overrides of the example envelope's regions. */
  receivingRegion?: string;
  handlingRegion?: string;
}

/** Cases picked per adapter to vary the items; routed by the handling region of their example. */
const PICKED: Readonly<Partial<Record<string, CaseSpec>>> = {
  gx: { item: 'SJ-003', portal: 'portal-sc' }, // 510104 → 450103
  cq: { item: 'SW-015', portal: 'portal-sc' }, // 510104 → 500103
  sc: { item: 'GJ-001', portal: 'portal-cq' }, // 500112 → 510700 (四川, outside 成都)
  'sc-chengdu': { item: 'SW-001', portal: 'portal-yn' }, // 530323 → 510104 (成都)
  gz: { item: 'RS-017', portal: 'portal-sc' }, // 510104 → 520102
  xz: { item: 'SF-003', portal: 'portal-sc' }, // 510104 → 540102
};

/**
 * One valid case per adapter. An adapter without a picked case gets the flagship SW-005 (a
 * county-level item every member offers online) handled in its descriptor's contract region and
 * received in another province — yn's case is exactly that, so this default is what yn runs.
 */
export function caseFor(adapter: AdapterId): CaseSpec {
  const picked = PICKED[adapter];
  if (picked) return picked;
  const handlingRegion = adapterDescriptor(adapter).contractRegion;
  const inSichuan = handlingRegion.startsWith('51');
  return {
    item: 'SW-005',
    portal: inSichuan ? 'portal-cq' : 'portal-sc',
    receivingRegion: inSichuan ? '500112' : '510104',
    handlingRegion,
  };
}

let keySeq = 0;

export interface Accepted {
  caseId: string;
  status: string;
  route: { adapter?: string; children?: { caseId: string; adapter: string; role: string }[] };
}

/** Submits a case as a portal; throws unless the gateway answers 202. */
export async function submit(
  sys: E2eSystem,
  envelope: Record<string, unknown>,
  portal: string,
): Promise<Accepted> {
  const res = await sys
    .client(portal)
    .submitCase<Accepted>(envelope, `e2e-${process.pid}-${Date.now()}-${keySeq++}`);
  if (res.status !== 202) {
    throw new Error(`submission refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Submits the adapter's standard case; returns its case id. */
export async function submitFor(sys: E2eSystem, adapter: AdapterId): Promise<string> {
  const spec = caseFor(adapter);
  const envelope = validExample(spec.item, spec.index);
  if (spec.receivingRegion) envelope.receivingRegion = spec.receivingRegion;
  if (spec.handlingRegion) envelope.handlingRegion = spec.handlingRegion;
  const accepted = await submit(sys, envelope, spec.portal);
  if (accepted.route.adapter !== adapter) {
    throw new Error(`${spec.item} routed to ${accepted.route.adapter}, not ${adapter}`);
  }
  return accepted.caseId;
}

export interface CaseView {
  caseId: string;
  status: string;
  provinceCaseNo: string | null;
  dueAt: string | null;
  result: unknown;
  route: { adapter?: string; children?: { caseId: string; status: string; adapter: string }[] };
  history: { at: string; status: string; actor: string; note?: string }[];
}

/** The case as an operator reads it. */
export async function readCase(sys: E2eSystem, caseId: string): Promise<CaseView> {
  const res = await sys.client('operator-dev').getCase<CaseView>(caseId);
  if (res.status !== 200) throw new Error(`GET case ${caseId}: ${res.status}`);
  return res.body;
}

/** Polls until the case has `status`; returns the case then. */
export async function waitForStatus(
  sys: E2eSystem,
  caseId: string,
  status: string,
  timeoutMs = 15_000,
): Promise<CaseView> {
  let last = '';
  try {
    return await until(
      async () => {
        const view = await readCase(sys, caseId);
        last = view.status;
        return view.status === status ? view : undefined;
      },
      { timeoutMs, intervalMs: 50, what: `case ${caseId} ${status}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last status ${last})`, { cause: error });
  }
}

/** Polls until the case's history holds `status` (it may have moved on since). */
export async function waitForHistory(
  sys: E2eSystem,
  caseId: string,
  status: string,
  timeoutMs = 15_000,
): Promise<CaseView> {
  return until(
    async () => {
      const view = await readCase(sys, caseId);
      return statuses(view).includes(status) ? view : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `case ${caseId} to have been ${status}` },
  );
}

export function statuses(view: CaseView): string[] {
  return view.history.map((h) => h.status);
}

/** The delivery job of a case, read through a queue handle on its adapter's queue. */
export function deliveryQueue(sys: E2eSystem, adapter: AdapterId, connection: Redis): Queue {
  const name = routeQueueName(adapter);
  const queue = new Queue(name, {
    connection,
    prefix: redisKeys(sys.config.keyPrefix).queuePrefix(name),
  });
  queue.on('error', () => undefined);
  return queue;
}

export interface DeadLetterItem {
  caseId: string;
  adapter: string;
  reason: string;
}

/** Every dead letter, page after page (the list is paged like the API's other lists). */
export async function deadLetters(sys: E2eSystem, operator = 'operator-dev') {
  const all: DeadLetterItem[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const res = await sys.client(operator).request<{
      items: DeadLetterItem[];
      nextCursor: string | null;
    }>('GET', `/v1/admin/dead-letters?limit=200${query}`);
    if (res.status !== 200) throw new Error(`dead letters: ${res.status}`);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}
