// README.md#replicas: with GW_REDIS_WAIT_REPLICAS every write the gateway tells a client is done
// waits for the replicas, and each write route calls the barrier itself. This sweep keeps a new
// route from forgetting it: the mutating routes are read from the running app's own router stack
// (the signed API and the console; the API's checked against the OpenAPI document), and each must
// be in WRITE_ROUTES (a valid request for it) or EXEMPT (why it tells no one a write is done).
// Each swept route is sent once while the one replica is frozen (SIGSTOP), by a gateway waiting
// 100 ms: 503 GW_UNAVAILABLE, never a 2xx or a redirect; then the same request, prepared afresh,
// by a gateway that waits long enough: answered as done, so the refused request was a valid one.
// Bull Board's changes are answered by Bull Board itself, behind one gate (console/queue-board.ts)
// and not in the router stack: a pause and a retry stand for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDeliveryFailed } from '../../gateway/cases/record-delivery.ts';
import { gatewayApp } from '../../gateway/services.ts';
import { createLifecycle } from '../../gateway/shared/lifecycle.ts';
import { startApiGateway, validExample, type ApiGateway } from '../support/api-gateway.ts';
import { close, submit } from '../support/case-flow.ts';
import { seedDraftItem } from '../support/catalogue.ts';
import { ConsoleClient, type ConsoleResponse } from '../support/console-client.ts';
import { decideAppeal, evaluate, reRate, rectificationEvent } from '../support/evaluation-flow.ts';
import { documentedRoutes, mountedRoutes, routeName } from '../support/mounted-routes.ts';
import { replicatedRedis, type ReplicatedRedis } from '../support/redis.ts';

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
  // The same key prefix and compiled data: it sees every fixture the patient one made.
  hasty = sideOf(
    await startApiGateway(
      { ...env, GW_REDIS_WAIT_TIMEOUT_MS: '100', GW_KEY_PREFIX: gw.config.keyPrefix },
      { redisUrl: redis.master.url, data: gw.data, relay: false },
    ),
  );
}, 60_000);

afterAll(async () => {
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
  const code = /id="error-detail"><code>(GW_[A-Z_]+)<\/code>/.exec(res.text)?.[1];
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

async function deadLetter(): Promise<string> {
  const { caseId } = await submit(patient.gw);
  const record = await patient.gw.services.store.get(caseId);
  if (record?.kind !== 'single') throw new Error(`${caseId} is not a single case`);
  const failed = await recordDeliveryFailed(patient.gw.services.store, record, {
    adapterId: 'yn',
    reason: 'refused: -102 纳税人识别号不存在',
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
  'POST /console/dead-letters/{caseId}/replay': async () => {
    const caseId = await deadLetter();
    return (side) => consolePost(side, 'operator-dev', `/console/dead-letters/${caseId}/replay`);
  },
  'POST /console/cases/{caseId}/unmask': async () => {
    const { caseId } = await submit(patient.gw);
    return (side) =>
      consolePost(side, 'operator-dev', `/console/cases/${caseId}/unmask`, { reason: REASON });
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
  'POST /console/sign-out':
    'closes a session: the browser drops the cookie with the answer, and a session a fail-over ' +
    'brought back ends at its idle timeout',
};

// --- the sweep ------------------------------------------------------------------------------------

describe('the write routes and the replica barrier (GW_REDIS_WAIT_REPLICAS=1)', () => {
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
    const known = [...Object.keys(WRITE_ROUTES), ...Object.keys(EXEMPT)].sort();
    expect(
      mutating.filter((r) => !known.includes(r)),
      'mutating routes in neither WRITE_ROUTES nor EXEMPT',
    ).toEqual([]);
    expect(
      known.filter((r) => !mutating.includes(r)),
      'listed, not served',
    ).toEqual([]);
  });

  for (const [route, prepare] of Object.entries(WRITE_ROUTES)) {
    it(`${route}: 503 GW_UNAVAILABLE while the replica is frozen; the same request done once it holds the write`, async () => {
      const refusedRequest = await prepare();
      const refused = await redis.frozen(() => refusedRequest(hasty));
      expect(refused).toEqual({ status: 503, code: 'GW_UNAVAILABLE' });
      const control = await (await prepare())(patient);
      expect(control.code, JSON.stringify(control)).toBeUndefined();
      expect(control.status).toBeGreaterThanOrEqual(200);
      expect(control.status).toBeLessThan(400);
    });
  }

  it("Bull Board's changes (a queue paused, its failed jobs retried): 503 GW_UNAVAILABLE while the replica is frozen, 200 once it holds them", async () => {
    const change = (side: Side, path: string) => async () => {
      const client = await side.console('operator-dev');
      const res = await client.request('PUT', `/console/queues/api/queues/route-yn/${path}`, {
        headers: { origin: side.gw.url },
      });
      return consoleAnswer(res);
    };
    for (const path of ['pause', 'retry/failed', 'resume']) {
      expect(await redis.frozen(change(hasty, path)), path).toEqual({
        status: 503,
        code: 'GW_UNAVAILABLE',
      });
      expect(await change(patient, path)(), path).toEqual({ status: 200, code: undefined });
    }
  });
});
