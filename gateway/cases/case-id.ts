// Case ids are ULIDs (sortable by time, gateway/README.md#retention). ulid's default PRNG asks
// WebCrypto for one byte per character, 16 calls an id (~60 µs on the bench machine, issue 7); this
// PRNG takes the same kind of bytes (one crypto-random byte per character, / 256) from a pooled
// buffer that randomFillSync refills, so the ids are as random as before for a few µs.
import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const pool = Buffer.alloc(4096);
let offset = pool.length;

function pooledRandom(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]! / 256;
}

export function newCaseId(): string {
  return ulid(undefined, pooledRandom);
}
