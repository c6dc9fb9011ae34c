// Verifying the audit chain at production scale (gateway/console/README.md#audit-chain-at-scale): a chain kept
// ≥ 180 days holds hundreds of thousands of entries, and SM3 over all of them takes seconds to
// tens of seconds. The console's audit page therefore verifies only what is new since the
// checkpoint (audit-checkpoint.ts), at most VISIT_LIMIT entries a visit, and says exactly what it
// checked; the whole chain is verified on request (the page's button, GET
// /v1/admin/audit/verification, `npm run cli -- audit verify`), and that verification is
// remembered in the checkpoint, so the page can say when the whole chain was last verified and
// what was found. An entry altered before the checkpoint is caught by the next whole-chain
// verification, not by a visit: the page says so in as many words.
import { GENESIS, GENESIS_HASH } from './audit-chain.ts';
import type { AuditCheckpoints, CheckpointState, WholeVerification } from './audit-checkpoint.ts';
import type { AuditLog, AuditVerification } from './audit-log.ts';

/** Entries one visit verifies at most (≈ 0.1–0.3 s of SM3 on the bench machine). */
export const VISIT_LIMIT = 5000;

export interface ChainReport {
  /** since-checkpoint: a page visit's check; whole: the whole chain from its first kept entry. */
  kind: 'since-checkpoint' | 'whole';
  /** Nothing found broken, the checkpoint trusted, and the last whole verification intact. */
  ok: boolean;
  /** When this check began (ISO). */
  at: string;
  /** The seqs this check read: from..to (from > to: nothing new since the checkpoint). */
  from: number;
  to: number;
  checked: number;
  brokenSeq?: number;
  /** The chain's last seq when the check began. */
  chainSeq: number;
  /** Entries after `to` this visit left for the next ones (VISIT_LIMIT), 0 at the head. */
  left: number;
  checkpoint: { state: CheckpointState; seq?: number; at?: string; keyId?: string };
  /** The last whole-chain verification the checkpoint remembers. */
  whole?: WholeVerification;
  /** This check began at this seq: the entries before it are not in Redis. */
  trimmedBefore?: number;
}

export interface AuditVerifierDeps {
  audit: Pick<AuditLog, 'verify' | 'verifyFrom'>;
  checkpoints: AuditCheckpoints;
  now: () => Date;
  visitLimit?: number;
}

export interface AuditVerifier {
  /** The entries after the checkpoint, at most visitLimit; moves the checkpoint past them. */
  sinceCheckpoint(): Promise<ChainReport>;
  /** The whole chain; remembered in the checkpoint. One at a time per process. */
  wholeChain(): Promise<ChainReport>;
}

function reportOf(
  kind: ChainReport['kind'],
  at: Date,
  v: AuditVerification,
  checkpoint: ChainReport['checkpoint'],
  whole: WholeVerification | undefined,
): ChainReport {
  return {
    kind,
    ok: v.ok && (whole?.ok ?? true) && ['trusted', 'none'].includes(checkpoint.state),
    at: at.toISOString(),
    from: v.from,
    to: v.to,
    checked: v.checked,
    ...(v.brokenSeq === undefined ? {} : { brokenSeq: v.brokenSeq }),
    chainSeq: v.chainSeq,
    left: v.ok ? Math.max(0, v.chainSeq - v.to) : 0,
    checkpoint,
    ...(whole ? { whole } : {}),
    ...(v.trimmedBefore === undefined ? {} : { trimmedBefore: v.trimmedBefore }),
  };
}

export function createAuditVerifier(deps: AuditVerifierDeps): AuditVerifier {
  const { audit, checkpoints, now } = deps;
  const visitLimit = deps.visitLimit ?? VISIT_LIMIT;
  let running: Promise<ChainReport> | undefined;

  async function sinceCheckpoint(): Promise<ChainReport> {
    const at = now();
    const read = await checkpoints.read();
    if (read.state === 'forged' || read.state === 'unknown-key') {
      // Nothing it says can be relied on, nor anything verified from it: only a whole-chain
      // verification (which writes a fresh one) can say what holds.
      const nothing = { ok: false, checked: 0, from: 1, to: 0, head: GENESIS, chainSeq: 0 };
      return reportOf(
        'since-checkpoint',
        at,
        nothing,
        { state: read.state, keyId: read.keyId },
        undefined,
      );
    }
    const base = read.state === 'trusted' ? read.checkpoint : undefined;
    // Without a checkpoint: from the chain's first kept entry, visitLimit at a time.
    const v = base
      ? await audit.verifyFrom({ seq: base.seq, hash: base.hash }, visitLimit)
      : await audit.verify(visitLimit);
    let checkpoint = base;
    if (v.ok && v.head.seq > (base?.seq ?? -1)) {
      const next = { ...base, seq: v.head.seq, hash: v.head.hash, at: at.toISOString() };
      // Lost to another gateway's write: that one moved it too, or the next visit will.
      if (await checkpoints.write(next, read.mac)) checkpoint = next;
    }
    return reportOf(
      'since-checkpoint',
      at,
      v,
      { state: read.state, ...(checkpoint ? { seq: checkpoint.seq, at: checkpoint.at } : {}) },
      base?.whole,
    );
  }

  async function wholeChain(): Promise<ChainReport> {
    const at = now();
    const v = await audit.verify();
    const whole: WholeVerification = {
      at: at.toISOString(),
      ok: v.ok,
      from: v.from,
      to: v.ok ? v.to : v.brokenSeq!,
      ...(v.brokenSeq === undefined ? {} : { brokenSeq: v.brokenSeq }),
      ...(v.trimmedBefore === undefined ? {} : { trimmedBefore: v.trimmedBefore }),
    };
    let state: ChainReport['checkpoint'] = { state: 'none' };
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const read = await checkpoints.read();
      const base = read.state === 'trusted' ? read.checkpoint : undefined;
      // A verification that began later was remembered meanwhile: it is the last one.
      if (base?.whole && base.whole.at > whole.at) {
        state = { state: 'trusted', seq: base.seq, at: base.at };
        break;
      }
      // Intact: the checkpoint moves to the head it reached. Broken: it stays (or starts at
      // nothing), and the page shows the break until a whole verification finds none.
      const advance = v.ok && v.head.seq >= (base?.seq ?? 0);
      const next = {
        seq: advance ? v.head.seq : (base?.seq ?? 0),
        hash: advance ? v.head.hash : (base?.hash ?? GENESIS_HASH),
        at: advance ? whole.at : (base?.at ?? whole.at),
        whole,
      };
      if (await checkpoints.write(next, read.mac)) {
        state = { state: 'trusted', seq: next.seq, at: next.at };
        break;
      }
    }
    return reportOf('whole', at, v, state, whole);
  }

  return {
    sinceCheckpoint,
    wholeChain() {
      running ??= wholeChain().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
