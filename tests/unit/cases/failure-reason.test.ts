// A delivery failure's reason at rest (gateway/cases/failure-reason.ts): sealed to its case as
// base64 text holding nothing of the reason in clear, opened back equal; one that belongs to another
// case, is another record of the same case (its sealed note, its result) or was changed reads as the
// placeholder with the problem, never an error; a reason stored in clear before still reads; the
// re-seal's step seals a sealed or clear one again to the same case.
import { describe, expect, it } from 'vitest';
import {
  openFailureReason,
  resealFailureReason,
  sealFailureReason,
  UNREADABLE_FAILURE_REASON,
} from '../../../gateway/cases/failure-reason.ts';
import { sealResult } from '../../../gateway/cases/stored-result.ts';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import {
  createSealer,
  SealedDataError,
  sealedKeyId,
} from '../../../gateway/personal-data/sealed-data.ts';
import { noteContext } from '../../../gateway/personal-data/sealed-text.ts';

const K1 = generateDataKeys('k1');
const K2 = generateDataKeys('k2');
const sealer = createSealer(parseDataKeys(K1, undefined, 'GW_DATA_KEYS'));
const CASE = '01JCASE0000000000000000001';
const OTHER = '01JCASE0000000000000000002';
const ID_NUMBER = '510104199001011234';
const REASON = `refused: 申请人 ${ID_NUMBER} 与登记不符`;

describe('a sealed failure reason', () => {
  it('is base64 text holding nothing of the reason in clear, and opens back equal', () => {
    const sealed = sealFailureReason(sealer, REASON, CASE);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain(ID_NUMBER);
    expect(openFailureReason(sealer, { sealed }, CASE)).toEqual({ reason: REASON });
  });

  it('reads as the placeholder, tampered, on another case', () => {
    const sealed = sealFailureReason(sealer, REASON, CASE);
    expect(openFailureReason(sealer, { sealed }, OTHER)).toEqual({
      reason: UNREADABLE_FAILURE_REASON,
      unreadable: 'tampered',
    });
  });

  it("reads as the placeholder when it is another record of the same case: the failure's sealed note, its result", () => {
    const note = sealer
      .seal(
        REASON,
        noteContext(CASE, { at: '2026-12-02T10:00:00.000Z', status: 'DELIVERY_FAILED' }),
      )
      .toString('base64');
    const result = sealResult(sealer, REASON, CASE);
    for (const sealed of [note, result]) {
      expect(openFailureReason(sealer, { sealed }, CASE).reason).toBe(UNREADABLE_FAILURE_REASON);
    }
  });

  it('reads as the placeholder with a changed byte (tampered) or under a key not listed (unknown-key)', () => {
    const bytes = Buffer.from(sealFailureReason(sealer, REASON, CASE), 'base64');
    bytes.writeUInt8(bytes.at(-1)! ^ 0x01, bytes.length - 1);
    expect(openFailureReason(sealer, { sealed: bytes.toString('base64') }, CASE)).toEqual({
      reason: UNREADABLE_FAILURE_REASON,
      unreadable: 'tampered',
    });
    const other = createSealer(parseDataKeys(K2, undefined, 'GW_DATA_KEYS'));
    const sealed = sealFailureReason(other, REASON, CASE);
    expect(openFailureReason(sealer, { sealed }, CASE).unreadable).toBe('unknown-key');
  });

  it('reads a reason stored in clear before reasons were sealed as it is', () => {
    expect(openFailureReason(sealer, { clear: REASON }, CASE)).toEqual({ reason: REASON });
  });
});

describe("the re-seal's step", () => {
  const rotated = createSealer(parseDataKeys(`${K2},${K1}`, undefined, 'GW_DATA_KEYS'));
  const k2 = K2.split(':')[0];

  it('seals a reason sealed under k1 again under the current key, to the same case', () => {
    const sealed = sealFailureReason(sealer, REASON, CASE);
    const again = resealFailureReason(rotated, { sealed }, CASE);
    expect(sealedKeyId(Buffer.from(again, 'base64'))).toBe(k2);
    expect(openFailureReason(rotated, { sealed: again }, CASE)).toEqual({ reason: REASON });
  });

  it('seals a clear reason under the current key', () => {
    const sealed = resealFailureReason(rotated, { clear: REASON }, CASE);
    expect(sealedKeyId(Buffer.from(sealed, 'base64'))).toBe(k2);
    expect(openFailureReason(rotated, { sealed }, CASE)).toEqual({ reason: REASON });
  });

  it('throws SealedDataError for a reason that does not open, for the re-seal to report', () => {
    const sealed = sealFailureReason(sealer, REASON, CASE);
    expect(() => resealFailureReason(rotated, { sealed }, OTHER)).toThrow(SealedDataError);
  });
});
