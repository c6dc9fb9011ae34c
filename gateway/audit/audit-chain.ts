// The audit chain's entries and their hashes (gateway/README.md#audit-chain), pure so the gateway
// and the CLI (which fetches entries over HTTP) check a chain the same way:
//   hash = SM3(prevHash ‖ canonical JSON of the entry without prevHash and hash)
// The first entry chains from GENESIS_HASH. Changing any field of an entry changes its hash;
// changing the hash too breaks the next entry's prevHash; so a verifier names the first entry
// that was altered, removed or inserted.
import { createHash, getHashes } from 'node:crypto';
import { sm3 } from 'sm-crypto-v2';
import { canonicalJson } from '../shared/canonical-json.ts';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['ok', 'refused', 'failed'];

export interface AuditEntryInput {
  /** The operator (client id) who acted or tried to. */
  actor: string;
  /** What was done, `<area>.<verb>`, e.g. `dead-letter.replay`, `case.read-unmasked`. */
  action: string;
  /** What it was done to, e.g. a case id or a draft id. */
  target: string;
  outcome: AuditOutcome;
  /** Why it was refused or failed, or the reason the operator gave (an unmasked read). */
  reason?: string;
  requestId: string;
  /** SHA-256 of the request body's canonical JSON, when the action had a body. */
  digest?: string;
}

export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3 … without gaps. */
  seq: number;
  /** ISO-8601 time of the append. */
  at: string;
  /** The previous entry's hash (GENESIS_HASH for seq 1). */
  prevHash: string;
  /** SM3, 64 lowercase hex digits. */
  hash: string;
}

/** Where a chain (or the part of it checked so far) ends. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** The fields an entry's hash covers: every one but prevHash and hash, absent ones left out. */
function hashedFields(entry: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entry)) {
    if (name !== 'prevHash' && name !== 'hash' && value !== undefined) fields[name] = value;
  }
  return fields;
}

// Node's OpenSSL has SM3 (GB/T 32905, the same digest sm-crypto-v2 computes in JavaScript): a
// whole-chain verification spends most of its time here (gateway/console/README.md#audit-chain-at-scale), so
// the native one is used wherever the runtime has it, the JavaScript one elsewhere.
const NATIVE_SM3 = getHashes().includes('sm3');

export function sm3Hex(text: string): string {
  return NATIVE_SM3 ? createHash('sm3').update(text, 'utf8').digest('hex') : sm3(text);
}

export function entryHash(prevHash: string, entry: object): string {
  return sm3Hex(prevHash + canonicalJson(hashedFields(entry)));
}

/** The entry that follows `head`: numbered, timed and hashed. */
export function chainEntry(head: ChainHead, input: AuditEntryInput, at: Date): AuditEntry {
  const { actor, action, target, outcome, reason, requestId, digest } = input;
  const unhashed = {
    seq: head.seq + 1,
    at: at.toISOString(),
    actor,
    action,
    target,
    outcome,
    ...(reason === undefined ? {} : { reason }),
    requestId,
    ...(digest === undefined ? {} : { digest }),
  };
  return { ...unhashed, prevHash: head.hash, hash: entryHash(head.hash, unhashed) };
}

export interface ChainVerdict {
  ok: boolean;
  /** Entries found intact before the first broken one (all of them when ok). */
  checked: number;
  /** The first entry that is missing, out of order, or whose hashes do not hold. */
  brokenSeq?: number;
  /** The last intact entry: continue a paged check from here. */
  head: ChainHead;
}

/**
 * Checks `entries` (in order) continue the chain from `from`: each numbered one more than the
 * last, chained from its hash, and carrying its own recomputed hash.
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  from: ChainHead = GENESIS,
): ChainVerdict {
  let head = from;
  let checked = 0;
  for (const entry of entries) {
    const intact =
      entry.seq === head.seq + 1 &&
      entry.prevHash === head.hash &&
      entry.hash === entryHash(entry.prevHash, entry);
    if (!intact) return { ok: false, checked, brokenSeq: head.seq + 1, head };
    head = { seq: entry.seq, hash: entry.hash };
    checked += 1;
  }
  return { ok: true, checked, head };
}
