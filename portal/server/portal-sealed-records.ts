// The portal's sealed records, walked for the retirement of one of its data keys
// (README.md#the-taxpayer-portal): the census of the keys its case records' form values are
// sealed under (read from the sealed header, never opened) and their re-seal under the current
// key of PORTAL_DATA_KEYS, so that an old key can be dropped before the records under it expire.
// The gateway's walk of its own records (gateway/cases/sealed-records.ts) in small: one kind of
// record, one Redis server, the same header reader, the same compare-and-set of one hash field
// (reseal-field.lua: a record that expired or changed between its read and its write is never
// overwritten) and the same verdicts per key (gateway/admin/data-keys.ts). Each call walks one
// SCAN page, so the work of a call is bounded and the caller follows the cursor.
import { CASE_SCRIPTS } from '../../gateway/cases/case-scripts.ts';
import { RESEAL_ATTEMPTS, UNRECOGNISED } from '../../gateway/cases/sealed-records.ts';
import type { DataKeyRing } from '../../gateway/personal-data/data-keys.ts';
import {
  createSealer,
  SealedDataError,
  sealedKeyId,
  type SealedDataProblem,
  type Sealer,
} from '../../gateway/personal-data/sealed-data.ts';
import { runScript } from '../../gateway/shared/lua-script.ts';
import type { RedisClient } from '../../gateway/shared/redis.ts';
import { caseKeys } from './portal-keys.ts';

/** The hash field portal-cases.ts seals a case's form values in. */
const VALUES_FIELD = 'values';

export interface PortalCensusPage {
  currentKeyId: string;
  listedKeyIds: readonly string[];
  /** Case records met on this page. */
  cases: number;
  /** Their sealed form values by the key id in each header. */
  formValues: Record<string, number>;
  /** SCAN's cursor of the next page; null after the last. */
  next: string | null;
}

export interface PortalResealPage {
  currentKeyId: string;
  cases: number;
  /** Form values sealed again under the current key. */
  resealed: number;
  /** Left as they are: not opened here (a key not listed, bytes changed). */
  unreadable: { caseId: string; problem: SealedDataProblem; keyId?: string }[];
  /** Cases whose record kept changing under the re-seal: run it again. */
  changed: string[];
  next: string | null;
}

export class PortalSealedRecords {
  readonly #redis: RedisClient;
  readonly #ring: DataKeyRing;
  readonly #sealer: Sealer;
  readonly #cases: ReturnType<typeof caseKeys>;

  constructor(deps: { redis: RedisClient; prefix: string; dataKeys: DataKeyRing }) {
    this.#redis = deps.redis;
    this.#ring = deps.dataKeys;
    this.#sealer = createSealer(deps.dataKeys);
    this.#cases = caseKeys(deps.prefix);
  }

  /** Counts the keys the form values of the next page's case records are sealed under. */
  async census(cursor: string, limit: number): Promise<PortalCensusPage> {
    const { keys, next } = await this.#page(cursor, limit);
    const sealed = await Promise.all(keys.map((key) => this.#redis.hgetBuffer(key, VALUES_FIELD)));
    const formValues: Record<string, number> = {};
    for (const values of sealed) {
      if (!values) continue;
      const keyId = sealedKeyId(values) ?? UNRECOGNISED;
      formValues[keyId] = (formValues[keyId] ?? 0) + 1;
    }
    const { current, ids } = this.#ring;
    return { currentKeyId: current.id, listedKeyIds: ids, cases: keys.length, formValues, next };
  }

  /** Re-seals under the current key the form values the next page holds under another key. */
  async reseal(cursor: string, limit: number): Promise<PortalResealPage> {
    const { keys, next } = await this.#page(cursor, limit);
    const page: PortalResealPage = {
      currentKeyId: this.#ring.current.id,
      cases: keys.length,
      resealed: 0,
      unreadable: [],
      changed: [],
      next,
    };
    for (const key of keys) await this.#resealCase(key, page);
    return page;
  }

  async #resealCase(key: string, page: PortalResealPage): Promise<void> {
    const caseId = this.#cases.idOf(key);
    for (let attempt = 1; attempt <= RESEAL_ATTEMPTS; attempt++) {
      const read = await this.#redis.hgetBuffer(key, VALUES_FIELD);
      const keyId = read ? sealedKeyId(read) : undefined;
      // Expired meanwhile, or already under the current key.
      if (!read || keyId === this.#ring.current.id) return;
      let sealed: Buffer;
      try {
        // Sealed bound to the case id, as portal-cases.ts seals it.
        sealed = this.#sealer.seal(this.#sealer.open(read, caseId), caseId);
      } catch (error) {
        if (!(error instanceof SealedDataError)) throw error;
        page.unreadable.push({ caseId, problem: error.problem, ...(keyId ? { keyId } : {}) });
        return;
      }
      const verdict = await runScript(
        this.#redis,
        CASE_SCRIPTS.resealField,
        [key],
        [VALUES_FIELD, read, sealed],
      );
      if (verdict === 'ok') {
        page.resealed += 1;
        return;
      }
    }
    page.changed.push(caseId);
  }

  async #page(cursor: string, limit: number): Promise<{ keys: string[]; next: string | null }> {
    const [next, keys] = await this.#redis.scan(
      cursor,
      'MATCH',
      this.#cases.pattern,
      'COUNT',
      limit,
      'TYPE',
      'hash',
    );
    return { keys, next: next === '0' ? null : next };
  }
}
