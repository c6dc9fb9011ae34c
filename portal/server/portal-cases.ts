// What the portal itself remembers of the cases its enterprises submitted (README.md#the-taxpayer-portal):
// who submitted which case (only they may follow it), the form values they sent (so a failed
// payment can be retried pre-filled, with the bank account the gateway only shows masked), and the
// last status a callback announced (for the home page's list). Kept in the portal's Redis, one hash
// per case and one sorted set of case ids per account, so a restarted portal still shows each
// enterprise its own cases and no one else's. The gateway holds the case itself, and
// GET /v1/cases/{id} is the truth. Whose a case is, is said by the login's keyed digest
// (portal-keys.ts), in the hash's `account` field and the set's key: no login is stored.
//
// The form values are personal data (bank account, ID numbers, names, phones: the item's schema
// marks them x-personal), so they are stored sealed, whole, with the gateway's sealer under the
// portal's own data keys (PORTAL_DATA_KEYS), bound to the case id: Redis, a dump or a replica holds
// none of them in clear. A record expires PORTAL_CASE_RETENTION_DAYS after its submission; the
// account's set lives as long as its newest case, and listing drops the ids whose hash is gone.
import { luaScript, runScript } from '../../gateway/shared/lua-script.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import { SealedDataError, type Sealer } from '../../gateway/personal-data/sealed-data.ts';
import type { PortalKeys } from './portal-keys.ts';

export interface PortalCase {
  readonly caseId: string;
  /** The submitting login's keyed digest (PortalKeys.account). */
  readonly account: string;
  readonly itemCode: string;
  /** What the form sent; undefined when its sealed record cannot be opened (a key dropped). */
  readonly values: Readonly<Record<string, unknown>> | undefined;
  readonly submittedAt: string;
  readonly relatedCaseId?: string;
  readonly status: string;
  /** A decided payment's outcome (`paid`, `failed`), as the last callback's case view said; '' before. */
  readonly outcome: string;
}

export interface PortalCasesDeps {
  readonly redis: RedisClient;
  readonly keys: PortalKeys;
  /** Seals the form values (gateway/personal-data/sealed-data.ts) under PORTAL_DATA_KEYS. */
  readonly sealer: Sealer;
  /** Days a record is kept after its submission (PORTAL_CASE_RETENTION_DAYS). */
  readonly retentionDays: number;
  readonly warn?: (message: string) => void;
}

// KEYS[1] the case's hash, KEYS[2] its account's sorted set of cases.
// ARGV[1] the case id, ARGV[2] its submission time (ms, the score), ARGV[3] the retention (ms),
// ARGV[4..] the hash's fields and values. Output: 1 if recorded, 0 if the case was already known
// (a resent form submission answered with the same case keeps what was first recorded).
const ADD_CASE = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`);

// KEYS[1] the case's hash. ARGV[1] the status, ARGV[2] the outcome ('' for none yet). Output: 1 if
// noted, 0 if the record has expired (a late callback must not leave a hash of one field, with no
// expiry, behind).
const NOTE_STATUS = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'outcome', ARGV[2])
return 1
`);

const DAY_MS = 86_400_000;

export class PortalCases {
  readonly #redis: RedisClient;
  readonly #keys: PortalKeys;
  readonly #sealer: Sealer;
  readonly #retentionMs: number;
  readonly #warn: (message: string) => void;

  constructor(deps: PortalCasesDeps) {
    this.#redis = deps.redis;
    this.#keys = deps.keys;
    this.#sealer = deps.sealer;
    this.#retentionMs = Math.max(1, Math.round(deps.retentionDays * DAY_MS));
    this.#warn = deps.warn ?? (() => undefined);
  }

  /** Records a case the first time the gateway answers with it; later calls change nothing. */
  async add(
    entry: Omit<PortalCase, 'values' | 'account' | 'outcome'> & {
      login: string;
      values: Record<string, unknown>;
    },
  ): Promise<void> {
    const fields: (string | Buffer)[] = [
      ['account', this.#keys.account(entry.login)],
      ['itemCode', entry.itemCode],
      ['values', this.#sealer.seal(entry.values, entry.caseId)],
      ['submittedAt', entry.submittedAt],
      ['status', entry.status],
      ...(entry.relatedCaseId ? [['relatedCaseId', entry.relatedCaseId]] : []),
    ].flat();
    await runScript(
      this.#redis,
      ADD_CASE,
      [this.#keys.case(entry.caseId), this.#keys.accountCases(entry.login)],
      [entry.caseId, Date.parse(entry.submittedAt), this.#retentionMs, ...fields],
    );
  }

  /** The case if this enterprise submitted it. */
  async of(login: string, caseId: string): Promise<PortalCase | undefined> {
    const entry = await this.get(caseId);
    return entry?.account === this.#keys.account(login) ? entry : undefined;
  }

  async get(caseId: string): Promise<PortalCase | undefined> {
    const stored = await this.#redis.hgetallBuffer(this.#keys.case(caseId));
    const text = (field: string) => stored[field]?.toString('utf8') ?? '';
    if (!stored.account) return undefined;
    return {
      caseId,
      account: text('account'),
      itemCode: text('itemCode'),
      values: stored.values ? this.#open(caseId, stored.values) : undefined,
      submittedAt: text('submittedAt'),
      status: text('status'),
      outcome: text('outcome'),
      ...(stored.relatedCaseId ? { relatedCaseId: text('relatedCaseId') } : {}),
    };
  }

  /** A callback announced a known case's new status (and outcome); an expired record stays gone. */
  async noteStatus(caseId: string, status: string, outcome = ''): Promise<void> {
    await runScript(this.#redis, NOTE_STATUS, [this.#keys.case(caseId)], [status, outcome]);
  }

  /** This enterprise's cases, newest first; ids whose record expired are dropped from its set. */
  async list(login: string): Promise<PortalCase[]> {
    const setKey = this.#keys.accountCases(login);
    const ids = await this.#redis.zrevrange(setKey, 0, -1);
    const cases = await Promise.all(ids.map((id) => this.get(id)));
    const expired = ids.filter((_, i) => cases[i] === undefined);
    if (expired.length > 0) await this.#redis.zrem(setKey, ...expired);
    const account = this.#keys.account(login);
    return cases.filter((c): c is PortalCase => c !== undefined && c.account === account);
  }

  #open(caseId: string, sealed: Buffer): Record<string, unknown> | undefined {
    try {
      return this.#sealer.open(sealed, caseId) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof SealedDataError)) throw error;
      // A key dropped from PORTAL_DATA_KEYS too early, or a tampered record: the case is still
      // followed, only its retry starts from the enterprise's defaults.
      this.#warn(`case ${caseId}: its form values cannot be opened (${error.message})`);
      return undefined;
    }
  }
}
