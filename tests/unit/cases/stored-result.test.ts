// A province's result at rest (gateway/cases/stored-result.ts): sealed to its case as base64 text,
// opened back equal; refused as SealedDataError when it belongs to another case, is a sealed
// envelope of the same case, or was changed; a result stored in clear before still opens, and one
// that is not JSON is a CorruptCaseError, not a crash.
import { describe, expect, it } from 'vitest';
import { CorruptCaseError } from '../../../gateway/cases/case-record.ts';
import { openStoredResult, sealResult } from '../../../gateway/cases/stored-result.ts';
import { generateDataKeys, parseDataKeys } from '../../../gateway/personal-data/data-keys.ts';
import { createSealer, SealedDataError } from '../../../gateway/personal-data/sealed-data.ts';
import { paidResult } from '../../support/payment-results.ts';

const sealer = createSealer(parseDataKeys(generateDataKeys('k1'), undefined, 'GW_DATA_KEYS'));
const CASE = '01JCASE0000000000000000001';
const OTHER = '01JCASE0000000000000000002';

function problemOf(open: () => unknown): string {
  try {
    open();
  } catch (error) {
    if (error instanceof SealedDataError) return error.problem;
    throw error;
  }
  throw new Error('expected the sealed result to be refused');
}

describe('a stored result', () => {
  it('is base64 text holding nothing of the result in clear, and opens back equal', () => {
    const paid = paidResult();
    const sealed = sealResult(sealer, paid, CASE);
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const bytes = Buffer.from(sealed, 'base64').toString('latin1');
    expect(bytes).not.toContain((paid.account as { accountNo: string }).accountNo);
    expect(openStoredResult(sealer, { sealed }, CASE)).toEqual(paid);
  });

  it('does not open on another case, nor as the sealed envelope of its own case', () => {
    const sealed = sealResult(sealer, paidResult(), CASE);
    expect(problemOf(() => openStoredResult(sealer, { sealed }, OTHER))).toBe('tampered');
    // The envelope is sealed under the bare case id: set as the result, it is refused.
    const envelope = sealer.seal({ applicant: {} }, CASE).toString('base64');
    expect(problemOf(() => openStoredResult(sealer, { sealed: envelope }, CASE))).toBe('tampered');
  });

  it('is refused as tampered when a byte changed, and as format when it is not sealed data', () => {
    const bytes = Buffer.from(sealResult(sealer, paidResult(), CASE), 'base64');
    bytes.writeUInt8(bytes.at(-1)! ^ 0x01, bytes.length - 1);
    const tampered = { sealed: bytes.toString('base64') };
    expect(problemOf(() => openStoredResult(sealer, tampered, CASE))).toBe('tampered');
    expect(problemOf(() => openStoredResult(sealer, { sealed: '{"a":1}' }, CASE))).toBe('format');
  });

  it('opens a result stored in clear before results were sealed, and calls one that is not JSON corrupt', () => {
    const legacyJson = JSON.stringify(paidResult());
    expect(openStoredResult(sealer, { legacyJson }, CASE)).toEqual(paidResult());
    expect(() => openStoredResult(sealer, { legacyJson: '{outcome' }, CASE)).toThrow(
      CorruptCaseError,
    );
  });
});
