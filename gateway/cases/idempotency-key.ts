// The Idempotency-Key header of a creating POST (gateway/README.md#idempotency): required, 8–128
// visible ASCII characters, kept only as its SHA-256 so a key never sits in Redis as sent.
import { sha256Hex } from '../shared/canonical-json.ts';
import { GatewayError } from '../shared/errors.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

// The detail says which rule the key broke: one text for all left a client that sent none, or a
// 6-character order number, or one with a space, to guess (found by a client written from
// README.md alone).
function keyDetail(key: string | undefined): string {
  const rule = 'Idempotency-Key must be 8–128 visible ASCII characters (no space)';
  if (!key) return `${rule}: the request has none; send your order number, the same on every try`;
  const length = [...key].length;
  if (length < 8 || length > 128) return `${rule}: this one has ${length}`;
  return `${rule}: this one holds a space, a control character or a character outside ASCII`;
}

/** The key's hash, or 400 GW_IDEMPOTENCY_KEY_REQUIRED. */
export function idempotencyKeyHash(key: string | undefined): string {
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new GatewayError('GW_IDEMPOTENCY_KEY_REQUIRED', { detail: keyDetail(key) });
  }
  return sha256Hex(key);
}
