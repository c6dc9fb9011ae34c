// What the portal itself remembers of the cases its enterprises submitted (README.md#the-taxpayer-portal):
// who submitted which case (only they may follow it), the form values they sent (so a failed
// payment can be retried pre-filled, with the bank account the gateway only shows masked), and the
// last status a callback announced (for the home page's list). Kept in the portal's Redis, one hash
// per case and one sorted set of case ids per account, so a restarted portal still shows each
// enterprise its own cases and no one else's. The gateway holds the case itself, and
// GET /v1/cases/{id} is the truth.
import { luaScript, runScript } from '../../gateway/shared/lua-script.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import type { PortalKeys } from './portal-keys.ts';

export interface PortalCase {
  readonly caseId: string;
  readonly login: string;
  readonly itemCode: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly submittedAt: string;
  readonly relatedCaseId?: string;
  readonly status: string;
}

// KEYS[1] the case's hash, KEYS[2] its account's sorted set of cases.
// ARGV[1] the case id, ARGV[2] its submission time (ms, the score), ARGV[3..] the hash's fields
// and values. Output: 1 if recorded, 0 if the case was already known (a resent form submission
// answered with the same case keeps what was first recorded).
const ADD_CASE = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`);

export class PortalCases {
  readonly #redis: RedisClient;
  readonly #keys: PortalKeys;

  constructor(redis: RedisClient, keys: PortalKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Records a case the first time the gateway answers with it; later calls change nothing. */
  async add(entry: PortalCase): Promise<void> {
    const fields = [
      ['login', entry.login],
      ['itemCode', entry.itemCode],
      ['values', JSON.stringify(entry.values)],
      ['submittedAt', entry.submittedAt],
      ['status', entry.status],
      ...(entry.relatedCaseId ? [['relatedCaseId', entry.relatedCaseId]] : []),
    ].flat();
    await runScript(
      this.#redis,
      ADD_CASE,
      [this.#keys.case(entry.caseId), this.#keys.accountCases(entry.login)],
      [entry.caseId, Date.parse(entry.submittedAt), ...fields],
    );
  }

  /** The case if this enterprise submitted it. */
  async of(login: string, caseId: string): Promise<PortalCase | undefined> {
    const entry = await this.get(caseId);
    return entry?.login === login ? entry : undefined;
  }

  async get(caseId: string): Promise<PortalCase | undefined> {
    const stored = await this.#redis.hgetall(this.#keys.case(caseId));
    if (!stored.login) return undefined;
    return {
      caseId,
      login: stored.login,
      itemCode: stored.itemCode ?? '',
      values: JSON.parse(stored.values ?? '{}') as Record<string, unknown>,
      submittedAt: stored.submittedAt ?? '',
      status: stored.status ?? '',
      ...(stored.relatedCaseId ? { relatedCaseId: stored.relatedCaseId } : {}),
    };
  }

  /** A callback announced a known case's new status (cases are never removed, so it exists). */
  async noteStatus(caseId: string, status: string): Promise<void> {
    await this.#redis.hset(this.#keys.case(caseId), 'status', status);
  }

  /** This enterprise's cases, newest first. */
  async list(login: string): Promise<PortalCase[]> {
    const ids = await this.#redis.zrevrange(this.#keys.accountCases(login), 0, -1);
    const cases = await Promise.all(ids.map((id) => this.of(login, id)));
    return cases.filter((c) => c !== undefined);
  }
}
