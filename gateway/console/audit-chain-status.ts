// What the audit page says about the chain's verification (gateway/console/README.md#security):
// exactly what this visit checked (seqs A to B, at T), how far the gateway had verified before
// (the checkpoint), what is left for later, and when the whole chain was last verified and what
// that found — so an operator never reads "intact" for entries nobody just checked. The data-*
// attributes carry the same facts for tests and scripts.
import type { ChainReport } from '../audit/audit-verification.ts';
import type { ConsoleSession } from './console-sessions.ts';
import { postForm } from './forms.ts';
import { html, type SafeHtml } from './html.ts';
import { label } from './layout.ts';
import { shownTime } from './console-time.ts';

/** A verification is named by when it ran, as every time in the console is shown. */
const at = shownTime;

function visitLine(r: ChainReport): SafeHtml {
  const { state } = r.checkpoint;
  if (state === 'forged')
    return label(
      '审计链校验点的签名不符（可能被改写），本次未作校验，请立即校验全链',
      'The chain’s checkpoint fails its MAC (rewritten?): nothing was verified on this visit — verify the whole chain',
    );
  if (state === 'unknown-key')
    return label(
      `校验点由已不在配置中的数据密钥 ${r.checkpoint.keyId ?? ''} 签名，无法核对，本次未作校验，请校验全链`,
      `The checkpoint was signed under data key ${r.checkpoint.keyId ?? ''}, no longer configured: it cannot be checked and nothing was verified on this visit — verify the whole chain`,
    );
  if (r.brokenSeq !== undefined)
    return label(
      html`审计链断裂于第 ${r.brokenSeq} 条（本次自第 ${r.from} 条起校验，${at(r.at)}）`,
      html`Chain broken at seq ${r.brokenSeq} (this visit checked from seq ${r.from}, at
      ${at(r.at)})`,
    );
  if (r.from > r.to)
    return label(
      html`自校验点（第 ${r.to} 条）以来没有新记录（${at(r.at)}）`,
      html`No entries since the checkpoint at seq ${r.to} (${at(r.at)})`,
    );
  return label(
    html`本次校验第 ${r.from}–${r.to} 条，共 ${r.checked} 条，完好（${at(r.at)}）`,
    html`This visit verified seqs ${r.from}–${r.to}, ${r.checked} entries, intact (${at(r.at)})`,
  );
}

function beforeLine(r: ChainReport): SafeHtml | '' {
  const { state } = r.checkpoint;
  if (state === 'none')
    return r.trimmedBefore
      ? label(
          `此前没有校验点（从未校验过，或已被删除）：本次自第 ${r.trimmedBefore} 条起校验，之前的记录已不在 Redis（按保存期限清理），其 prevHash 无从核对`,
          `There was no checkpoint (never verified, or deleted): this visit began at seq ${r.trimmedBefore}, the first entry still in Redis (the older ones trimmed after retention), whose prevHash nothing left can confirm`,
        )
      : label(
          '此前没有校验点（从未校验过，或已被删除）：本次自链首起校验',
          'There was no checkpoint (never verified, or deleted): this visit began at the chain’s first entry',
        );
  if (state !== 'trusted' || r.from <= 1) return '';
  return label(
    `第 ${r.from - 1} 条及以前已由网关校验过（不在本次校验之内，其后的改动只有全链校验能发现）`,
    `Seqs up to ${r.from - 1} were verified by the gateway earlier (not on this visit: a change to them since is found only by verifying the whole chain)`,
  );
}

function wholeLine(r: ChainReport): SafeHtml {
  const w = r.whole;
  if (!w)
    return label(
      '全链尚无校验记录：请校验全链',
      'No whole-chain verification on record: verify the whole chain',
    );
  const trimmed = w.trimmedBefore
    ? label(
        `；第 ${w.trimmedBefore} 条以前的记录已不在 Redis（按保存期限清理），校验自其 prevHash 起，之前的无从核对`,
        `; the entries before seq ${w.trimmedBefore} are not in Redis (trimmed after retention): it began at that entry’s prevHash, which nothing left can confirm`,
      )
    : '';
  return w.ok
    ? html`${label(
        html`全链最近一次校验：${at(w.at)}，第 ${w.from}–${w.to} 条，完好`,
        html`Whole chain last verified at ${at(w.at)}: seqs ${w.from}–${w.to}, intact`,
      )}${trimmed}`
    : html`${label(
        html`全链最近一次校验：${at(w.at)}，断裂于第 ${w.brokenSeq ?? '?'} 条`,
        html`Whole chain last verified at ${at(w.at)}: broken at seq ${w.brokenSeq ?? '?'}`,
      )}${trimmed}`;
}

/** The status block above the entries, with the button that verifies the whole chain now. */
export function chainStatus(r: ChainReport, session: Pick<ConsoleSession, 'csrf'>): SafeHtml {
  const left =
    r.left > 0
      ? html`<p class="notice warn" id="chain-left">
          ${label(
            `其后 ${r.left} 条尚未校验：留待下次访问（每次至多校验一批），或立即校验全链`,
            `${r.left} entries after seq ${r.to} are not verified yet: the next visits take them a batch at a time, or verify the whole chain now`,
          )}
        </p>`
      : '';
  const before = beforeLine(r);
  return html`<div class="card" id="chain-verification">
    <p
      class="notice ${r.ok ? 'ok' : 'error'}"
      id="chain-status"
      data-ok="${String(r.ok)}"
      data-checkpoint="${r.checkpoint.state}"
      data-from="${r.from}"
      data-to="${r.to}"
      data-checked="${r.checked}"
      data-left="${r.left}"
      data-broken-seq="${r.brokenSeq ?? ''}"
    >
      ${visitLine(r)}
    </p>
    ${before ? html`<p class="muted" id="chain-before">${before}</p>` : ''} ${left}
    <p
      class="notice ${r.whole ? (r.whole.ok ? 'ok' : 'error') : 'warn'}"
      id="chain-whole"
      data-at="${r.whole?.at ?? ''}"
      data-ok="${r.whole ? String(r.whole.ok) : ''}"
      data-broken-seq="${r.whole?.brokenSeq ?? ''}"
      data-trimmed-before="${r.whole?.trimmedBefore ?? ''}"
    >
      ${wholeLine(r)}
    </p>
    ${postForm(
      session,
      '/console/audit/verify',
      html`<button type="submit" class="primary">
        ${label('立即校验全链', 'Verify the whole chain now')}
      </button>`,
      { id: 'verify-whole' },
    )}
  </div>`;
}
