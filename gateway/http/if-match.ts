// The If-Match request header (RFC 9110 §13.1.1): `*`, or a list of entity-tags. Parsed here so a
// malformed header is a 400 of its own (GW_IF_MATCH_INVALID) rather than a tag that never matches.
// If-Match compares strongly (§8.8.3.2): a weak tag (`W/"…"`) matches nothing, so it is dropped.
import { GatewayError } from '../shared/errors.ts';

export type IfMatch =
  | { readonly any: true }
  /** The opaque parts (between the quotes) of the strong tags; empty when every tag was weak. */
  | { readonly any: false; readonly tags: readonly string[] };

/**
 * One list element: empty ones before it skipped (§5.6.1.2), an entity-tag (etagc is %x21 /
 * %x23-7E / obs-text, which Node hands over as latin1), then a comma or the end.
 */
const ELEMENT = /(?:[ \t]*,)*[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(,|$)/y;
/** More tags than any client needs: bounds the work a long header can ask for. */
const MAX_TAGS = 20;

const malformed = (detail: string) => new GatewayError('GW_IF_MATCH_INVALID', { detail });

/** undefined when the header is absent; throws GW_IF_MATCH_INVALID when it is not RFC 9110's. */
export function parseIfMatch(header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return { any: true };
  const tags: string[] = [];
  for (let count = 1, at = 0; ; count += 1) {
    ELEMENT.lastIndex = at;
    const match = ELEMENT.exec(header);
    if (!match)
      throw malformed(
        `If-Match must be * or entity-tags in double quotes, separated by commas (character ${at + 1} starts neither)`,
      );
    if (count > MAX_TAGS) throw malformed(`If-Match names more than ${MAX_TAGS} entity-tags`);
    if (!match[1]) tags.push(match[2]!);
    at = ELEMENT.lastIndex;
    // The end of the header, or only empty elements after the last comma.
    if (match[3] === '' || /^[ \t,]*$/.test(header.slice(at))) break;
  }
  return { any: false, tags };
}
