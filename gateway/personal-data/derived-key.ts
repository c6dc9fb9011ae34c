// A key for another purpose than sealing, derived from a data key (GW_DATA_KEYS) with HKDF-SHA-256
// (gateway/README.md#encryption-at-rest): operators keep one secret, and what is derived for one
// purpose (the console's lock-out counters' names, console/sign-in-lockout.ts) reveals nothing of
// the data key nor of what is derived for another. The purpose is HKDF's info; the data key's 32
// random bytes need no salt. A derived key follows its data key: once another key is current, a
// new one is derived from it.
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { DataKey } from './data-keys.ts';

/** 32 bytes for `purpose` (a fixed name such as 'console-lockout'), as a KeyObject for HMAC. */
export function derivedKey(dataKey: DataKey, purpose: string): KeyObject {
  const bytes = hkdfSync('sha256', dataKey.key, Buffer.alloc(0), `swgw:${purpose}`, 32);
  return createSecretKey(Buffer.from(bytes));
}
