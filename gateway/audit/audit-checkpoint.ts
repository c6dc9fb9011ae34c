// The audit chain's checkpoint (gateway/console/README.md#security): how far the gateway has
// verified the chain itself (the seq and hash of the last entry it found intact, and when), and
// its last whole-chain verification (when, from which seq to which, intact or broken where). The
// console's audit page verifies only the entries after it, so a page costs what is new, not the
// whole chain.
//
// It lives in Redis beside the chain, so whoever can rewrite entries can rewrite it too: it carries
// an HMAC under a key derived from the data key (personal-data/derived-key.ts, as the console's
// lock-out), which Redis never holds. A checkpoint moved past a rewritten entry, or claiming a
// whole-chain verification that never happened, fails its MAC and the page says it was forged.
// What a MAC cannot stop — putting back an older checkpoint, or deleting it — only makes the
// gateway verify more entries again and show an older whole-chain verification, never skip one.
import { createHmac, getHashes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DataKeyRing } from '../personal-data/data-keys.ts';
import { derivedKey } from '../personal-data/derived-key.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { luaScript, runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { AuditKeys } from '../shared/redis-keys.ts';

/** What the checkpoint's HMAC key is derived for (personal-data/derived-key.ts). */
export const CHECKPOINT_KEY_PURPOSE = 'audit-checkpoint';

/** HMAC-SM3 where the runtime's OpenSSL has SM3 (as the chain's hashes, audit-chain.ts). */
const MAC_ALGORITHM = getHashes().includes('sm3') ? 'sm3' : 'sha256';

const WRITE = luaScript(
  readFileSync(new URL('./scripts/write-checkpoint.lua', import.meta.url), 'utf8'),
);

/** A whole-chain verification, as the checkpoint remembers the last one. */
export interface WholeVerification {
  /** When it began (ISO). */
  at: string;
  ok: boolean;
  /** The first and last seq it read. */
  from: number;
  to: number;
  brokenSeq?: number;
  /** The entries before this seq were not in Redis (trimmed): it began at this one's prevHash. */
  trimmedBefore?: number;
}

export interface AuditCheckpoint {
  /** The last entry the gateway found intact, and its hash (0 and 64 zeros: none yet). */
  seq: number;
  hash: string;
  /** When the entries up to seq were last verified (ISO). */
  at: string;
  whole?: WholeVerification;
}

/**
 * trusted: its MAC holds under the data key it names. none: there is none (never verified, or
 * deleted). forged: its MAC does not hold. unknown-key: written under a data key no longer
 * configured (rotated out), so it cannot be checked. `mac` is what a write must replace.
 */
export type CheckpointRead =
  | { state: 'trusted'; checkpoint: AuditCheckpoint; keyId: string; mac: string }
  | { state: 'none'; mac: '' }
  | { state: 'forged' | 'unknown-key'; keyId: string; mac: string };

export type CheckpointState = CheckpointRead['state'];

export interface AuditCheckpointsDeps {
  redis: RedisClient;
  keys: AuditKeys;
  dataKeys: DataKeyRing;
}

/** The fields as stored (strings), absent optional ones left out; the MAC covers all of them. */
function fieldsOf(c: AuditCheckpoint, keyId: string): Record<string, string> {
  const w = c.whole;
  const fields: Record<string, string | number | undefined> = {
    seq: c.seq,
    hash: c.hash,
    at: c.at,
    keyId,
    alg: MAC_ALGORITHM,
    ...(w
      ? {
          wholeAt: w.at,
          wholeOk: w.ok ? '1' : '0',
          wholeFrom: w.from,
          wholeTo: w.to,
          wholeBrokenSeq: w.brokenSeq,
          wholeTrimmedBefore: w.trimmedBefore,
        }
      : {}),
  };
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

function checkpointOf(f: Record<string, string>): AuditCheckpoint {
  const number = (name: string) => (f[name] === undefined ? undefined : Number(f[name]));
  return {
    seq: Number(f.seq),
    hash: f.hash ?? '',
    at: f.at ?? '',
    ...(f.wholeAt
      ? {
          whole: {
            at: f.wholeAt,
            ok: f.wholeOk === '1',
            from: Number(f.wholeFrom),
            to: Number(f.wholeTo),
            ...(f.wholeBrokenSeq ? { brokenSeq: number('wholeBrokenSeq')! } : {}),
            ...(f.wholeTrimmedBefore ? { trimmedBefore: number('wholeTrimmedBefore')! } : {}),
          },
        }
      : {}),
  };
}

export class AuditCheckpoints {
  readonly #deps: AuditCheckpointsDeps;

  constructor(deps: AuditCheckpointsDeps) {
    this.#deps = deps;
  }

  #mac(fields: Record<string, string>, keyId: string, algorithm: string): string | undefined {
    const dataKey = this.#deps.dataKeys.find(keyId);
    if (!dataKey) return undefined;
    return createHmac(algorithm, derivedKey(dataKey, CHECKPOINT_KEY_PURPOSE))
      .update(`swgw audit checkpoint\n${canonicalJson(fields)}`, 'utf8')
      .digest('hex');
  }

  async read(): Promise<CheckpointRead> {
    const { mac = '', ...fields } = await this.#deps.redis.hgetall(this.#deps.keys.checkpoint);
    if (!mac && Object.keys(fields).length === 0) return { state: 'none', mac: '' };
    const keyId = fields.keyId ?? '';
    // Only the two algorithms this code writes; anything else is not ours.
    const algorithm = fields.alg === 'sm3' || fields.alg === 'sha256' ? fields.alg : undefined;
    const expected = algorithm && this.#mac(fields, keyId, algorithm);
    if (algorithm && expected === undefined) return { state: 'unknown-key', keyId, mac };
    const holds =
      expected !== undefined &&
      expected.length === mac.length &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(mac)) &&
      /^[0-9]{1,15}$/.test(fields.seq ?? '');
    if (!holds) return { state: 'forged', keyId, mac };
    return { state: 'trusted', checkpoint: checkpointOf(fields), keyId, mac };
  }

  /**
   * Writes `next` under the current data key, if the checkpoint is still the one whose MAC the
   * caller read (`replacing`; '' for none): false when another gateway wrote one in between.
   */
  async write(next: AuditCheckpoint, replacing: string): Promise<boolean> {
    const keyId = this.#deps.dataKeys.current.id;
    const fields = fieldsOf(next, keyId);
    const mac = this.#mac(fields, keyId, MAC_ALGORITHM)!;
    const written = await runScript(
      this.#deps.redis,
      WRITE,
      [this.#deps.keys.checkpoint],
      [replacing, ...Object.entries({ ...fields, mac }).flat()],
    );
    return written === 1;
  }
}
