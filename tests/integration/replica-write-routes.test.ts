// README.md#replicas: with GW_REDIS_WAIT_REPLICAS every write the gateway tells a client is done
// waits for the replicas, and each write route calls the barrier itself. This sweep keeps a new
// route from forgetting it: the mutating routes are read from the running app's own router stack
// (the signed API and the console; the API's checked against the OpenAPI document), and each must
// be in WRITE_ROUTES (a valid request for it) or EXEMPT (why it tells no one a write is done).
// Each swept route is sent once while the one replica is frozen (SIGSTOP), by a gateway waiting
// 100 ms: 503 GW_UNAVAILABLE, never a 2xx or a redirect; then the same request, prepared afresh,
// by a gateway that waits long enough: answered as done, so the refused request was a valid one.
// Two more kinds of route write what they answer: the API's reads that append an audit entry
// (AUDITED_READS: an unmasked case, list or rectification, a data-key census page), found by
// their OpenAPI operation saying so, and Bull Board's changes, answered by Bull Board itself
// behind one gate (console/queue-board.ts), read from Bull Board's own router (BOARD_CHANGES, or
// BOARD_EXEMPT with a reason): each is swept the same way.
import { FlowProducer, Worker, type Queue } from 'bullmq';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutedCase } from '../../gateway/cases/case-record.ts';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { bullBoard, QUEUES_PATH } from '../../gateway/console/queue-board.ts';
import { gatewayApp } from '../../gateway/services.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, submit } from '../support/case-flow.ts';
import { seedDraftItem } from '../support/catalogue.ts';
import { ConsoleClient, type ConsoleResponse } from '../support/console-client.ts';
import { decideAppeal, evaluate, reRate, rectificationEvent } from '../support/evaluation-flow.ts';
import { documentedRoutes, mountedRoutes, routeName } from '../support/mounted-routes.ts';
import { replicatedRedis, type ReplicatedRedis } from '../support/redis.ts';
import { newBatchId } from '../../gateway/console/bulk-replay-batches.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Where a request is sent: a gateway, and its console signed in as each operator. */
interface Side {
  gw: ApiGateway;
  console: (operator: string) => Promise<ConsoleClient>;
}
interface Answer {
  status: number;
  /** The GW_* code of a problem, or of the console's error page. */
  code: string | undefined;
}
/** Sets up what the request needs (through the patient gateway); answers the request to send. */
type Prepare = () => Promise<(side: Side) => Promise<Answer>>;

let redis: ReplicatedRedis;
/** Waits for the replica as long as it takes: the fixtures and the control requests. */
let patient: Side;
/** Waits 100 ms: the requests sent while the replica is frozen. */
let hasty: Side;

function sideOf(gw: ApiGateway): Side {
  const signedIn = new Map<string, Promise<ConsoleClient>>();
  return {
    gw,
    console: (operator) => {
      let client = signedIn.get(operator);
      if (!client) {
        client = (async () => {
          const c = new ConsoleClient(gw.url);
          const res = await c.signIn(operator);
          if (res.status !== 303) throw new Error(`${operator} not signed in: ${res.status}`);
          return c;
        })();
        signedIn.set(operator, client);
      }
      return client;
    },
  };
}

beforeAll(async () => {
  redis = await replicatedRedis();
  const env = { GW_REDIS_WAIT_REPLICAS: '1', GW_RATE_LIMIT_PER_SECOND: '100000' };
  const gw = await startApiGateway(
    { ...env, GW_REDIS_WAIT_TIMEOUT_MS: '10000' },
    { redisUrl: redis.master.url, liveCatalogue: true },
  );
  patient = sideOf(gw);
  // The test's own BullMQ worker and flow producer (board fixtures), on the master.
  bullmq = new Redis(redis.master.url, { maxRetriesPerRequest: null });
  // The same key prefix and compiled data: it sees every fixture the patient one made.
  hasty = sideOf(
    await startApiGateway(
      { ...env, GW_REDIS_WAIT_TIMEOUT_MS: '100', GW_KEY_PREFIX: gw.config.keyPrefix },
      { redisUrl: redis.master.url, data: gw.data, relay: false },
    ),
  );
}, 60_000);

afterAll(async () => {
  bullmq?.disconnect();
  await hasty?.gw.close();
  await patient?.gw.close();
  await redis?.stop();
});

// --- answers -----------------------------------------------------------------------------------

async function api(
  side: Side,
  client: string,
  method: string,
  url: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await side.gw
    .client(client)
    .request<{ code?: string }>(method, url, { ...(json === undefined ? {} : { json }), headers });
  return { status: res.status, code: res.body?.code };
}

async function consolePost(
  side: Side,
  operator: string,
  path: string,
  form: Record<string, string> = {},
): Promise<Answer> {
  const client = await side.console(operator);
  return consoleAnswer(await client.post(path, { _csrf: await client.csrf(), ...form }));
}

/**
 * A console page's answer: its error page names a refusal's code, except a 503's, which only
 * GW_UNAVAILABLE is (console/console-error.ts).
 */
function consoleAnswer(res: ConsoleResponse): Answer {
  const code = /id="error-detail">\s*<code>(GW_[A-Z_]+)<\/code>/.exec(res.text)?.[1];
  if (res.status === 503 && res.text.includes('data-status="503"'))
    return { status: 503, code: 'GW_UNAVAILABLE' };
  return { status: res.status, code };
}

// --- fixtures, made through the patient gateway -------------------------------------------------

let seq = 0;
const unique = (label: string) => `${label}-${Date.now()}-${seq++}`;

async function closedCase(): Promise<string> {
  const { caseId } = await submit(patient.gw);
  await close(patient.gw, 'province-yn', caseId, new Date().toISOString());
  return caseId;
}

/** A 差评 of a closed case: its rectification's id, OPEN. */
async function openRectification(): Promise<string> {
  const rated = await evaluate(patient.gw, await closedCase(), { level: 1, rated: 'handling' });
  if (rated.status !== 201 || !rated.body.rectification)
    throw new Error(`no rectification: ${rated.status} ${JSON.stringify(rated.body)}`);
  return rated.body.rectification.id;
}

async function movedRectification(...events: string[]): Promise<string> {
  const id = await openRectification();
  for (const type of events) {
    const res = await rectificationEvent(patient.gw, id, type);
    if (res.status !== 200) throw new Error(`${type} on ${id}: ${res.status}`);
  }
  return id;
}

async function deadLetter(reason = 'refused: -102 纳税人识别号不存在'): Promise<string> {
  const { caseId } = await submit(patient.gw);
  const record = await patient.gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error(`${caseId} is not a single case`);
  const failed = await recordDeliveryFailed(patient.gw.services.store, record, {
    adapterId: 'yn',
    reason,
  });
  if (!failed.ok) throw new Error(`${caseId} not a dead letter`);
  return caseId;
}

const DRAFTS = '/v1/admin/catalogue/drafts';
/** A seed item changed as an author would change it (a draft the same as its base is refused). */
function changedItem(itemCode: string, promisedDays = 30) {
  const item = seedDraftItem(itemCode);
  item.promisedDays = promisedDays;
  return item;
}
/** Seed items, one per draft: approving two drafts of one item would make the second stale. */
const ITEMS = ['GA-001', 'GA-002', 'GA-003', 'GA-004', 'GA-005', 'GA-006', 'GA-007', 'GA-008'];
let items = 0;
function nextItem(): string {
  const code = ITEMS[items++ % ITEMS.length]!;
  return code;
}

/** A draft by operator-dev, moved by `steps` (validate, submit); its id and item code. */
async function draft(...steps: string[]): Promise<{ draftId: string; itemCode: string }> {
  const itemCode = nextItem();
  const created = await patient.gw
    .client('operator-dev')
    .request<{ draftId: string }>('POST', DRAFTS, {
      json: { itemCode, item: changedItem(itemCode) },
    });
  if (created.status !== 201) throw new Error(`draft: ${created.status}`);
  const { draftId } = created.body;
  for (const step of steps) {
    const res = await api(patient, 'operator-dev', 'POST', `${DRAFTS}/${draftId}/${step}`);
    if (res.status !== 200) throw new Error(`${step} ${draftId}: ${res.status} ${res.code}`);
  }
  return { draftId, itemCode };
}

const now = () => new Date().toISOString();
const REASON = '核对失败原因，工单 2026-118';
/** An audited API read's reason (an HTTP header: Latin-1 only). */
const READ_REASON = 'ticket 2026-118: checking a failure reason';

// --- the sweep's known inputs ---------------------------------------------------------------------

/** A valid request for every mutating route that writes what its caller is told is done. */
const WRITE_ROUTES: Record<string, Prepare> = {
  'POST /v1/cases': async () => {
    const key = unique('sweep-case');
    return (side) =>
      api(side, 'portal-sc', 'POST', '/v1/cases', validExample('SW-005'), {
        'Idempotency-Key': key,
      });
  },
  'POST /v1/cases/{caseId}/events': async () => {
    const { caseId } = await submit(patient.gw);
    return (side) =>
      api(side, 'province-yn', 'POST', `/v1/cases/${caseId}/events`, {
        type: 'accepted',
        at: now(),
      });
  },
  'POST /v1/cases/{caseId}/evaluations': async () => {
    const caseId = await closedCase();
    return async (side) => {
      const res = await evaluate(side.gw, caseId, { level: 5, rated: 'collecting' });
      return { status: res.status, code: res.body.code };
    };
  },
  'POST /v1/rectifications/{rectificationId}/events': async () => {
    const id = await openRectification();
    return async (side) => {
      const res = await rectificationEvent(side.gw, id, 'visited');
      return { status: res.status, code: res.body.code };
    };
  },
  'POST /v1/rectifications/{rectificationId}/appeal-decision': async () => {
    const id = await movedRectification('appealed');
    return async (side) => {
      const res = await decideAppeal(side.gw, id, 'upheld');
      return { status: res.status, code: res.body.code };
    };
  },
  'POST /v1/rectifications/{rectificationId}/re-rating': async () => {
    const id = await movedRectification('visited', 'rectified');
    return async (side) => {
      const res = await reRate(side.gw, id, { level: 4, comment: '满意' });
      return { status: res.status, code: res.body.code };
    };
  },
  'POST /v1/admin/dead-letters/{caseId}/replay': async () => {
    const caseId = await deadLetter();
    return (side) => api(side, 'operator-dev', 'POST', `/v1/admin/dead-letters/${caseId}/replay`);
  },
  'POST /v1/admin/dead-letters/replay': async () => {
    const caseId = await deadLetter('gave up after 5 attempts: province unreachable');
    const adapter = ((await patient.gw.services.store.get(caseId)) as RoutedCase).route.adapter;
    return (side) =>
      api(side, 'operator-dev', 'POST', '/v1/admin/dead-letters/replay', {
        adapter,
        kind: 'gave-up',
        limit: 1,
      });
  },
  'POST /v1/admin/failed-callbacks/{callbackId}/replay': async () => {
    const id = await failedCallback();
    return (side) => api(side, 'operator-dev', 'POST', `/v1/admin/failed-callbacks/${id}/replay`);
  },
  'POST /v1/admin/failed-callbacks/replay': async () => {
    await failedCallback();
    return (side) =>
      api(side, 'operator-dev', 'POST', '/v1/admin/failed-callbacks/replay', { limit: 1 });
  },
  'POST /v1/admin/data-keys/reseal': async () => (side) =>
    api(side, 'operator-dev', 'POST', '/v1/admin/data-keys/reseal'),
  'POST /v1/admin/catalogue/drafts': async () => {
    const itemCode = nextItem();
    return (side) =>
      api(side, 'operator-dev', 'POST', DRAFTS, { itemCode, item: changedItem(itemCode) });
  },
  'PUT /v1/admin/catalogue/drafts/{draftId}': async () => {
    const { draftId, itemCode } = await draft();
    return (side) =>
      api(side, 'operator-dev', 'PUT', `${DRAFTS}/${draftId}`, {
        itemCode,
        item: changedItem(itemCode, 20),
      });
  },
  'POST /v1/admin/catalogue/drafts/{draftId}/validate': async () => {
    const { draftId } = await draft();
    return (side) => api(side, 'operator-dev', 'POST', `${DRAFTS}/${draftId}/validate`);
  },
  'POST /v1/admin/catalogue/drafts/{draftId}/submit': async () => {
    const { draftId } = await draft('validate');
    return (side) => api(side, 'operator-dev', 'POST', `${DRAFTS}/${draftId}/submit`);
  },
  'POST /v1/admin/catalogue/drafts/{draftId}/approve': async () => {
    const { draftId } = await draft('validate', 'submit');
    return (side) => api(side, 'operator-dev-2', 'POST', `${DRAFTS}/${draftId}/approve`);
  },
  'POST /v1/admin/catalogue/drafts/{draftId}/reject': async () => {
    const { draftId } = await draft('validate', 'submit');
    return (side) =>
      api(side, 'operator-dev-2', 'POST', `${DRAFTS}/${draftId}/reject`, {
        reason: '材料清单与通知不符，请修改',
      });
  },
  'POST /console/catalogue/drafts': async () => {
    const itemCode = nextItem();
    return (side) => consolePost(side, 'operator-dev', '/console/catalogue/drafts', { itemCode });
  },
  'POST /console/catalogue/drafts/{draftId}': async () => {
    const { draftId, itemCode } = await draft();
    return (side) =>
      consolePost(side, 'operator-dev', `/console/catalogue/drafts/${draftId}`, {
        document: JSON.stringify(changedItem(itemCode, 20)),
        note: 'promised in 30 days',
      });
  },
  'POST /console/catalogue/drafts/{draftId}/validate': async () => {
    const { draftId } = await draft();
    return (side) =>
      consolePost(side, 'operator-dev', `/console/catalogue/drafts/${draftId}/validate`);
  },
  'POST /console/catalogue/drafts/{draftId}/submit': async () => {
    const { draftId } = await draft('validate');
    return (side) =>
      consolePost(side, 'operator-dev', `/console/catalogue/drafts/${draftId}/submit`);
  },
  // 2026's calendar came from the seed files: a rerun of its recount asked again each time.
  'POST /v1/admin/catalogue/calendars/{year}/recount': async () => (side) =>
    api(side, 'operator-dev', 'POST', '/v1/admin/catalogue/calendars/2026/recount'),
  'POST /console/catalogue/calendars/{year}/recount': async () => (side) =>
    consolePost(side, 'operator-dev', '/console/catalogue/calendars/2026/recount'),
  'POST /console/catalogue/drafts/{draftId}/approve': async () => {
    const { draftId } = await draft('validate', 'submit');
    return (side) =>
      consolePost(side, 'operator-dev-2', `/console/catalogue/drafts/${draftId}/approve`);
  },
  'POST /console/catalogue/drafts/{draftId}/reject': async () => {
    const { draftId } = await draft('validate', 'submit');
    return (side) =>
      consolePost(side, 'operator-dev-2', `/console/catalogue/drafts/${draftId}/reject`, {
        reason: '材料清单与通知不符，请修改',
      });
  },
  'POST /console/dead-letters/{caseId}/unmask': async () => {
    const caseId = await deadLetter();
    return (side) =>
      consolePost(side, 'operator-dev', `/console/dead-letters/${caseId}/unmask`, {
        reason: REASON,
      });
  },
  'POST /console/dead-letters/replay': async () => {
    const caseId = await deadLetter('gave up after 5 attempts: province unreachable');
    const adapter = ((await patient.gw.services.store.get(caseId)) as RoutedCase).route.adapter;
    return (side) =>
      consolePost(side, 'operator-dev', '/console/dead-letters/replay', {
        adapter,
        kind: 'gave-up',
        batch: newBatchId(),
      });
  },
  'POST /console/dead-letters/{caseId}/replay': async () => {
    const caseId = await deadLetter();
    return (side) => consolePost(side, 'operator-dev', `/console/dead-letters/${caseId}/replay`);
  },
  'POST /console/callbacks/failed/{id}/replay': async () => {
    const id = await failedCallback();
    return (side) =>
      consolePost(
        side,
        'operator-dev',
        `/console/callbacks/failed/${encodeURIComponent(id)}/replay`,
      );
  },
  'POST /console/cases/{caseId}/unmask': async () => {
    const { caseId } = await submit(patient.gw);
    return (side) =>
      consolePost(side, 'operator-dev', `/console/cases/${caseId}/unmask`, { reason: REASON });
  },
  'POST /console/board/rectifications/{rectificationId}/unmask': async () => {
    const id = await movedRectification('visited');
    return (side) =>
      consolePost(side, 'operator-dev', `/console/board/rectifications/${id}/unmask`, {
        reason: REASON,
      });
  },
  'POST /console/board/rectifications/{rectificationId}/appeal-decision': async () => {
    const id = await movedRectification('appealed');
    return (side) =>
      consolePost(side, 'operator-dev', `/console/board/rectifications/${id}/appeal-decision`, {
        decision: 'upheld',
        note: 'appeal upheld after review',
      });
  },
  'POST /console/data-keys/census': async () => (side) =>
    consolePost(side, 'operator-dev', '/console/data-keys/census'),
  'POST /console/data-keys/reseal': async () => (side) =>
    consolePost(side, 'operator-dev', '/console/data-keys/reseal'),
};

/**
 * Mutating routes that tell their caller of no write done, so nothing waits for the replicas;
 * each with its reason. A route belongs here only for such a reason, never because it is hard
 * to send.
 */
const EXEMPT: Record<string, string> = {
  'POST /v1/admin/catalogue/checks':
    'a dry run: validates a would-be draft and stores nothing (catalogueAdmin.checkDraft)',
  'POST /console/catalogue/drafts/check':
    "the draft editor's live validation: the same dry run, storing nothing",
  'POST /console/sign-in':
    'opens a session, which a fail-over could lose: the operator signs in again; no action is ' +
    'told done (its audit entry is not waited for, as no refusal is)',
  'POST /console/audit/verify':
    'verifies the audit chain, a read: it writes only the checkpoint, which a fail-over could ' +
    'lose, so the page shows the whole-chain verification before it and the next visit verifies ' +
    'from the older checkpoint again (gateway/console/README.md#security)',
  'POST /console/sign-out':
    'closes a session: the browser drops the cookie with the answer, and a session a fail-over ' +
    'brought back ends at its idle timeout',
};

/**
 * Every API read that appends an `ok` audit entry (a record of who saw what), so its answer waits
 * for that entry on the replicas, as an action's does (auditedAction, auditUnmaskedList): a valid
 * request that appends one. A read answered before its entry was copied would show personal data
 * whose reading a fail-over could forget.
 */
const AUDITED_READS: Record<string, Prepare> = {
  'GET /v1/cases/{caseId}': async () => {
    const { caseId } = await submit(patient.gw);
    return (side) =>
      api(side, 'operator-dev', 'GET', `/v1/cases/${caseId}`, undefined, {
        'X-Gw-Reason': READ_REASON,
      });
  },
  'GET /v1/admin/dead-letters': async () => {
    await deadLetter();
    return (side) =>
      api(side, 'operator-dev', 'GET', '/v1/admin/dead-letters', undefined, {
        'X-Gw-Reason': READ_REASON,
      });
  },
  'GET /v1/rectifications': async () => {
    // A closed one was re-rated: its comment is shown, so the page is audited.
    const id = await movedRectification('visited', 'rectified');
    const res = await reRate(patient.gw, id, { level: 4, comment: '满意' });
    if (res.status !== 200) throw new Error(`re-rating ${id}: ${res.status}`);
    return (side) =>
      api(side, 'operator-dev', 'GET', '/v1/rectifications?status=CLOSED', undefined, {
        'X-Gw-Reason': READ_REASON,
      });
  },
  'GET /v1/rectifications/{rectificationId}': async () => {
    const id = await openRectification();
    return (side) =>
      api(side, 'operator-dev', 'GET', `/v1/rectifications/${id}`, undefined, {
        'X-Gw-Reason': READ_REASON,
      });
  },
  'GET /v1/admin/data-keys/census': async () => (side) =>
    api(side, 'operator-dev', 'GET', '/v1/admin/data-keys/census?limit=10'),
};

/**
 * The API reads whose OpenAPI operation says they are audited: its summary or description says
 * the read is "audited" or "appended to the audit chain" (the words every such operation uses),
 * or it takes the reason an audited read records (`AuditReason`, X-Gw-Reason).
 */
function documentedAuditedReads(paths: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    const get = (
      item as { get?: { summary?: string; description?: string; parameters?: unknown[] } }
    ).get;
    if (!get) continue;
    const words = `${get.summary ?? ''} ${get.description ?? ''}`;
    const params = JSON.stringify(get.parameters ?? []);
    if (/\baudited\b|appended to the audit chain/.test(words) || params.includes('AuditReason'))
      found.push(`GET ${path}`);
  }
  return found.sort();
}

// --- Bull Board's changes, on one queue of its board ----------------------------------------------

/** The queue the board's changes are made on: an adapter no fixture here delivers to. */
const BOARD_ADAPTER = 'gx';
/** A board change: its path under Bull Board (under QUEUES_PATH) and its JSON body. */
interface BoardChange {
  path: string;
  json?: unknown;
}
/** Sets up what the change needs (jobs, a scheduler) on the board's queue; answers the change. */
type PrepareChange = () => Promise<BoardChange>;

let bullmq: Redis;
const boardQueue = (): Queue => patient.gw.services.queues.queue(BOARD_ADAPTER);
const onQueue = (rest: string) => `/api/queues/${encodeURIComponent(boardQueue().name)}/${rest}`;

async function waitingJob(options: Record<string, unknown> = {}): Promise<string> {
  const job = await boardQueue().add('sweep', { n: seq }, { jobId: unique('job'), ...options });
  return job.id!;
}

/** A job that ran and failed: taken by a worker of the test's own (none runs here), then failed. */
async function failedJob(): Promise<string> {
  const queue = boardQueue();
  await queue.resume();
  // lifo: taken before whatever else waits on the queue.
  const id = await waitingJob({ lifo: true });
  const worker = new Worker(queue.name, null, {
    connection: bullmq,
    prefix: queue.opts.prefix!,
    autorun: false,
  });
  try {
    const token = unique('token');
    const job = await worker.getNextJob(token);
    if (job?.id !== id) throw new Error(`took ${job?.id}, not ${id}`);
    await job.moveToFailed(new Error('swept'), token);
  } finally {
    await worker.close();
  }
  return id;
}

/** A portal callback that failed for good, taken and failed as failedJob's job is. */
async function failedCallback(): Promise<string> {
  const queue = patient.gw.services.callbacks.queue;
  await queue.resume();
  const id = unique('callback');
  const data = { caseId: id, clientId: 'portal-sc', url: 'http://127.0.0.1:9/hooks', at: now() };
  await queue.add('event', { ...data, body: { type: 'sweep' } }, { jobId: id, lifo: true });
  const worker = new Worker(queue.name, null, {
    connection: bullmq,
    prefix: queue.opts.prefix!,
    autorun: false,
  });
  try {
    const token = unique('token');
    const job = await worker.getNextJob(token);
    if (job?.id !== id) throw new Error(`took ${job?.id}, not ${id}`);
    await job.moveToFailed(new Error('portal answered 503'), token);
  } finally {
    await worker.close();
  }
  return id;
}

async function scheduler(): Promise<string> {
  const id = unique('scheduler');
  await boardQueue().upsertJobScheduler(id, { every: 3_600_000 }, { name: 'sweep', data: {} });
  return id;
}

/** A parent job waiting for a child that has not run: its unprocessed children. */
async function parentWithChild(): Promise<string> {
  const queue = boardQueue();
  const flows = new FlowProducer({ connection: bullmq, prefix: queue.opts.prefix! });
  try {
    const { job } = await flows.add({
      name: 'parent',
      queueName: queue.name,
      data: {},
      children: [{ name: 'child', queueName: queue.name, data: {} }],
    });
    return job.id!;
  } finally {
    await flows.close();
  }
}

/** A valid change for every change route of Bull Board's router, on the board's queue. */
const BOARD_CHANGES: Record<string, PrepareChange> = {
  'PUT /api/queues/pause': async () => ({ path: '/api/queues/pause' }),
  'PUT /api/queues/resume': async () => ({ path: '/api/queues/resume' }),
  'POST /api/queues/{queueName}/add': async () => ({
    path: onQueue('add'),
    json: { name: 'sweep', data: { added: true } },
  }),
  'PUT /api/queues/{queueName}/retry/{queueStatus}': async () => {
    await failedJob();
    return { path: onQueue('retry/failed') };
  },
  'PUT /api/queues/{queueName}/promote': async () => {
    await waitingJob({ delay: 3_600_000 });
    return { path: onQueue('promote') };
  },
  'PUT /api/queues/{queueName}/clean/{queueStatus}': async () => ({
    path: onQueue('clean/failed'),
  }),
  'PUT /api/queues/{queueName}/pause': async () => ({ path: onQueue('pause') }),
  'PUT /api/queues/{queueName}/resume': async () => ({ path: onQueue('resume') }),
  'PUT /api/queues/{queueName}/concurrency': async () => ({
    path: onQueue('concurrency'),
    json: { concurrency: 4 },
  }),
  'PUT /api/queues/{queueName}/rate-limit': async () => ({
    path: onQueue('rate-limit'),
    json: { max: 100, duration: 1000 },
  }),
  'PUT /api/queues/{queueName}/rate-limit/release': async () => ({
    path: onQueue('rate-limit/release'),
  }),
  'PUT /api/queues/{queueName}/empty': async () => {
    await waitingJob();
    return { path: onQueue('empty') };
  },
  'PUT /api/queues/{queueName}/obliterate': async () => {
    // Bull Board obliterates a paused queue only.
    await waitingJob();
    await boardQueue().pause();
    return { path: onQueue('obliterate'), json: { force: true } };
  },
  'PUT /api/queues/{queueName}/job-schedulers/{schedulerId}/remove': async () => ({
    path: onQueue(`job-schedulers/${await scheduler()}/remove`),
  }),
  'PATCH /api/queues/{queueName}/job-schedulers/{schedulerId}': async () => ({
    path: onQueue(`job-schedulers/${await scheduler()}`),
    json: { every: 7_200_000 },
  }),
  'PUT /api/queues/{queueName}/job-schedulers/{schedulerId}/run': async () => ({
    path: onQueue(`job-schedulers/${await scheduler()}/run`),
  }),
  'PUT /api/queues/{queueName}/{jobId}/retry': async () => ({
    path: onQueue(`${await failedJob()}/retry`),
  }),
  'PUT /api/queues/{queueName}/{jobId}/clean': async () => ({
    path: onQueue(`${await waitingJob()}/clean`),
  }),
  'PUT /api/queues/{queueName}/{jobId}/promote': async () => ({
    path: onQueue(`${await waitingJob({ delay: 3_600_000 })}/promote`),
  }),
  'PATCH /api/queues/{queueName}/{jobId}/update-data': async () => ({
    path: onQueue(`${await waitingJob()}/update-data`),
    json: { jobData: { updated: true } },
  }),
  'PATCH /api/queues/{queueName}/{jobId}/delay': async () => ({
    path: onQueue(`${await waitingJob({ delay: 3_600_000 })}/delay`),
    json: { runAt: Date.now() + 7_200_000 },
  }),
  'PATCH /api/queues/{queueName}/{jobId}/priority': async () => ({
    path: onQueue(`${await waitingJob()}/priority`),
    json: { priority: 5 },
  }),
  'PUT /api/queues/{queueName}/{jobId}/remove-unprocessed-children': async () => ({
    path: onQueue(`${await parentWithChild()}/remove-unprocessed-children`),
  }),
};

/** Bull Board change routes that cannot be swept, each with its reason. */
const BOARD_EXEMPT: Record<string, string> = {};

async function boardChange(side: Side, method: string, change: BoardChange): Promise<Answer> {
  const client = await side.console('operator-dev');
  const res = await client.request(method, `${QUEUES_PATH}${change.path}`, {
    headers: {
      origin: side.gw.url,
      ...(change.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(change.json === undefined ? {} : { body: JSON.stringify(change.json) }),
  });
  return consoleAnswer(res);
}

/** Bull Board's change routes, read from its own router (what it serves, not a list kept here). */
function boardChangeRoutes(): string[] {
  const queues = [
    ...patient.gw.services.routing.routes
      .adapters()
      .map((adapter) => patient.gw.services.queues.queue(adapter)),
    patient.gw.services.callbacks.queue,
  ];
  const router = bullBoard(queues, false) as unknown as Express;
  return [
    ...new Set(
      mountedRoutes(router)
        .filter((r) => MUTATING.has(r.method))
        .map(routeName),
    ),
  ].sort();
}

// --- the sweep ------------------------------------------------------------------------------------

/** Each served route is in one of the tables (named by their keys), and each listed one served. */
function expectEachListed(served: string[], tables: Record<string, object>): void {
  const known = Object.values(tables).flatMap((table) => Object.keys(table));
  expect(
    served.filter((r) => !known.includes(r)),
    `served, in none of ${Object.keys(tables).join(', ')}`,
  ).toEqual([]);
  expect(
    known.filter((r) => !served.includes(r)),
    'listed, not served',
  ).toEqual([]);
}

describe('the write routes and the replica barrier (GW_REDIS_WAIT_REPLICAS=1)', () => {
  /** 503 GW_UNAVAILABLE while the replica is frozen; done once it holds the write. */
  async function sweep(prepare: Prepare): Promise<void> {
    const refusedRequest = await prepare();
    const refused = await redis.frozen(() => refusedRequest(hasty));
    expect(refused).toEqual({ status: 503, code: 'GW_UNAVAILABLE' });
    const control = await (await prepare())(patient);
    expect(control.code, JSON.stringify(control)).toBeUndefined();
    expect(control.status).toBeGreaterThanOrEqual(200);
    expect(control.status).toBeLessThan(400);
  }

  it('finds every mutating route the app serves in WRITE_ROUTES or EXEMPT, and nothing there it does not serve', () => {
    const app = gatewayApp(patient.gw.services, createLifecycle());
    // The API's also from its OpenAPI document: the route table test keeps the two equal.
    const mutating = [
      ...new Set(
        [...mountedRoutes(app), ...documentedRoutes(patient.gw.services.openapi.paths)]
          .filter((r) => MUTATING.has(r.method))
          .map(routeName),
      ),
    ].sort();
    expect(mutating).toContain('POST /v1/cases');
    expect(mutating).toContain('POST /console/dead-letters/{caseId}/replay');
    expectEachListed(mutating, { WRITE_ROUTES, EXEMPT });
  });

  for (const [route, prepare] of Object.entries(WRITE_ROUTES)) {
    it(`${route}: 503 GW_UNAVAILABLE while the replica is frozen; the same request done once it holds the write`, async () => {
      await sweep(prepare);
    });
  }

  it('finds every API read its OpenAPI document calls audited in AUDITED_READS, and nothing there it does not', () => {
    expectEachListed(documentedAuditedReads(patient.gw.services.openapi.paths), { AUDITED_READS });
  });

  for (const [route, prepare] of Object.entries(AUDITED_READS)) {
    it(`${route} (audited read): 503 GW_UNAVAILABLE while the replica is frozen; answered once it holds the audit entry`, async () => {
      await sweep(prepare);
    });
  }

  it("finds every change route of Bull Board's router in BOARD_CHANGES or BOARD_EXEMPT, and nothing there it does not serve", () => {
    const served = boardChangeRoutes();
    expect(served).toContain('PUT /api/queues/{queueName}/{jobId}/retry');
    expectEachListed(served, { BOARD_CHANGES, BOARD_EXEMPT });
  });

  for (const [route, prepare] of Object.entries(BOARD_CHANGES)) {
    it(`Bull Board ${route}: 503 GW_UNAVAILABLE while the replica is frozen; done once it holds the change and its audit entry`, async () => {
      const method = route.slice(0, route.indexOf(' '));
      await sweep(async () => {
        const change = await prepare();
        return (side) => boardChange(side, method, change);
      });
    });
  }
});
