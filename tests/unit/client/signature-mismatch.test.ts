// gateway/README.md#when-the-signature-does-not-match, the client's side: from the gateway's
// stringToSign and the string it signed, the shipped client names the lines that differ.
import { describe, expect, it } from 'vitest';
import { signatureMismatch } from '../../../gateway/client/signature-mismatch.ts';

const signed = ['GET', '/v1/catalogue/items', 'a=1', '1764100000', 'n0nce-123456789ab', 'e3b0'];
const problem = (stringToSign: unknown, code = 'GW_AUTH_BAD_SIGNATURE') => ({
  code,
  stringToSign,
});

describe('signatureMismatch', () => {
  it('names every differing line by number and name, and cuts a long line in the message only', () => {
    const long = `q=${'x'.repeat(300)}`;
    const theirs = [...signed];
    theirs[2] = long;
    theirs[3] = '1764100001';
    const mismatch = signatureMismatch(
      'portal-sc',
      signed.join('\n'),
      401,
      problem(theirs.join('\n')),
    )!;
    expect(mismatch.differingLines).toEqual([
      { line: 3, name: 'canonical query', signed: 'a=1', gateway: long },
      { line: 4, name: 'timestamp', signed: '1764100000', gateway: '1764100001' },
    ]);
    expect(mismatch.message).toContain(
      `line 3 (canonical query): signed "a=1", the gateway computed "${long.slice(0, 120)}…"; line 4 (timestamp)`,
    );
  });

  it('reports a line the gateway has and the signed string lacks', () => {
    const mismatch = signatureMismatch(
      'portal-sc',
      signed.slice(0, 5).join('\n'),
      401,
      problem(signed.join('\n')),
    )!;
    expect(mismatch.differingLines).toEqual([
      { line: 6, name: 'body digest', signed: '', gateway: 'e3b0' },
    ]);
  });

  it('is nothing for any other answer: another status, another 401, a 401 without stringToSign', () => {
    const text = signed.join('\n');
    expect(signatureMismatch('portal-sc', text, 400, problem(text))).toBeUndefined();
    expect(
      signatureMismatch('portal-sc', text, 401, problem(text, 'GW_AUTH_STALE_TIMESTAMP')),
    ).toBeUndefined();
    expect(
      signatureMismatch('portal-sc', text, 401, { code: 'GW_AUTH_BAD_SIGNATURE' }),
    ).toBeUndefined();
    expect(signatureMismatch('portal-sc', text, 401, 'not json')).toBeUndefined();
  });
});
