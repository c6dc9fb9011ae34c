// The Idempotency-Key header of a creating POST (gateway/README.md#idempotency): required, 8–128
// visible ASCII characters, kept only as its SHA-256 so a key never sits in Redis as sent.
import { sha256Hex } from '../shared/canonical-json.ts';
import { GatewayError } from '../shared/errors.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

/** The key's hash, or 400 GW_IDEMPOTENCY_KEY_REQUIRED. */
export function idempotencyKeyHash(key: string | undefined): string {
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new GatewayError('GW_IDEMPOTENCY_KEY_REQUIRED', {
      detail: 'Idempotency-Key must be 8–128 visible ASCII characters',
    });
  }
  return sha256Hex(key);
}
