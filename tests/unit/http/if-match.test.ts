// The If-Match header's parse (gateway/http/if-match.ts, RFC 9110 §13.1.1): `*`, a list of
// entity-tags (weak ones dropped, as If-Match compares strongly), and 400 GW_IF_MATCH_INVALID for
// anything else.
import { describe, expect, it } from 'vitest';
import { parseIfMatch } from '../../../gateway/http/if-match.ts';
import { GatewayError } from '../../../gateway/shared/errors.ts';

function refusal(header: string): string | undefined {
  try {
    parseIfMatch(header);
    return undefined;
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'not a GatewayError';
  }
}

describe('parseIfMatch', () => {
  it('reads an absent header as no precondition and `*` (with spaces around) as any', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toEqual({ any: true });
    expect(parseIfMatch(' * ')).toEqual({ any: true });
  });

  it('keeps the opaque part of each strong tag, in order, and drops weak tags', () => {
    expect(parseIfMatch('"draft/2026-12-04T16:33:18.123Z"')).toEqual({
      any: false,
      tags: ['draft/2026-12-04T16:33:18.123Z'],
    });
    expect(parseIfMatch('"a", W/"b",\t"c,d" , ""')).toEqual({ any: false, tags: ['a', 'c,d', ''] });
    expect(parseIfMatch('W/"only-weak"')).toEqual({ any: false, tags: [] });
  });

  it('skips empty list elements, as RFC 9110 §5.6.1.2 asks of a recipient', () => {
    expect(parseIfMatch(', "a",, "b",')).toEqual({ any: false, tags: ['a', 'b'] });
  });

  it('refuses what is not `*` or quoted entity-tags with GW_IF_MATCH_INVALID', () => {
    for (const header of [
      '',
      'draft/2026',
      '"unclosed',
      '"a" "b"',
      '*, "a"',
      '"a", *',
      'w/"lower-case weak"',
      '"a\u0000"',
      '"has space"',
      '"a"x',
    ])
      expect(refusal(header), JSON.stringify(header)).toBe('GW_IF_MATCH_INVALID');
  });

  it('refuses more than 20 entity-tags', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `"t${i}"`).join(', ');
    expect(parseIfMatch(tags(20))).toMatchObject({ any: false });
    expect(refusal(tags(21))).toBe('GW_IF_MATCH_INVALID');
  });
});
