// The audit chain's hashes (gateway/audit/audit-chain.ts): SM3 over the previous hash and the
// entry's canonical JSON, and a verifier that names the first entry altered, removed or moved.
import { sm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import {
  chainEntry,
  GENESIS,
  GENESIS_HASH,
  sm3Hex,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
} from '../../../gateway/audit/audit-chain.ts';
import { canonicalJson } from '../../../gateway/shared/canonical-json.ts';

const at = new Date('2026-12-01T10:00:00Z');

function input(n: number): AuditEntryInput {
  return {
    actor: n % 2 ? 'operator-dev' : 'operator-dev-2',
    action: 'dead-letter.replay',
    target: `01JCASE00000000000000000${String(n).padStart(2, '0')}`,
    outcome: 'ok',
    requestId: `req-${n}-0000`,
  };
}

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let head = GENESIS;
  for (let n = 1; n <= length; n += 1) {
    const entry = chainEntry(head, input(n), at);
    entries.push(entry);
    head = { seq: entry.seq, hash: entry.hash };
  }
  return entries;
}

describe('audit chain', () => {
  it('uses SM3: the GB/T 32905 test vector for "abc"', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('hashes text in Chinese as UTF-8, as sm-crypto-v2 did for the entries already stored', () => {
    const text = `${GENESIS_HASH}{"reason":"核对申报材料 OPS-1234","seq":7}`.repeat(5);
    expect(sm3Hex(text)).toBe(sm3(text));
  });

  it('hashes the previous hash followed by the canonical JSON of every other field', () => {
    const entry = chainEntry(GENESIS, { ...input(1), reason: 'ticket 42' }, at);
    const { prevHash, hash, ...rest } = entry;
    expect(prevHash).toBe(GENESIS_HASH);
    expect(rest).toMatchObject({ seq: 1, at: '2026-12-01T10:00:00.000Z', reason: 'ticket 42' });
    expect(hash).toBe(sm3Hex(GENESIS_HASH + canonicalJson(rest)));
  });

  it('leaves absent optional fields out of the entry and its hash', () => {
    const entry = chainEntry(GENESIS, { ...input(1), reason: undefined, digest: undefined }, at);
    expect(Object.keys(entry)).not.toContain('reason');
    expect(entry.hash).toBe(chainEntry(GENESIS, input(1), at).hash);
  });

  it('accepts an intact chain, whole or checked page by page from the last head', () => {
    const entries = chain(6);
    expect(verifyChain(entries)).toEqual({
      ok: true,
      checked: 6,
      head: { seq: 6, hash: entries[5]!.hash },
    });
    const first = verifyChain(entries.slice(0, 4));
    expect(verifyChain(entries.slice(4), first.head)).toMatchObject({ ok: true, checked: 2 });
  });

  it('names the entry whose field was changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actor: 'someone-else' };
    expect(verifyChain(entries)).toMatchObject({ ok: false, checked: 2, brokenSeq: 3 });
  });

  it('names the entry that gained a field', () => {
    const entries = chain(5);
    entries[3] = { ...entries[3]!, note: 'added later' } as AuditEntry;
    expect(verifyChain(entries)).toMatchObject({ ok: false, brokenSeq: 4 });
  });

  it('names the next entry when a changed entry was given a fresh hash', () => {
    const entries = chain(5);
    const { prevHash: _p, hash: _h, ...rest } = { ...entries[1]!, outcome: 'refused' as const };
    entries[1] = chainEntry({ seq: 1, hash: entries[0]!.hash }, rest, new Date(rest.at));
    expect(entries[1].outcome).toBe('refused');
    expect(verifyChain(entries)).toMatchObject({ ok: false, checked: 2, brokenSeq: 3 });
  });

  it('names a removed entry and entries out of order', () => {
    const entries = chain(5);
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({
      ok: false,
      brokenSeq: 3,
    });
    expect(verifyChain([entries[0]!, entries[2]!, entries[1]!])).toMatchObject({
      ok: false,
      brokenSeq: 2,
    });
  });
});
