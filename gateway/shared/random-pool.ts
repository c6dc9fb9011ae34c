// Crypto-random bytes taken from a buffer that randomFillSync refills, for the hot paths that need
// a few at a time: a case id's 16 characters and a sealed value's 12-byte IV on every submission,
// a recorded move's 8-byte id on every delivery (cases/case-store.ts).
// `randomBytes(12)` costs about 7 µs in a loop and about 25 µs inside the loaded gateway on the
// bench machine (OpenSSL's per-call work and a new ArrayBuffer each time); from the pool it is one
// copy, and one refill per 4 KiB. The bytes are the same CSPRNG output either way, and a byte
// handed out is never handed out again: the offset only moves forward until the next refill.
import { randomFillSync } from 'node:crypto';

export class RandomPool {
  readonly #pool: Buffer;
  #offset: number;

  constructor(size = 4096) {
    this.#pool = Buffer.alloc(size);
    this.#offset = size;
  }

  /** Writes `length` fresh random bytes into `target` at `at`. */
  fill(target: Uint8Array, at: number, length: number): void {
    if (length > this.#pool.length) {
      randomFillSync(target, at, length);
      return;
    }
    if (this.#offset + length > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    this.#pool.copy(target, at, this.#offset, this.#offset + length);
    this.#offset += length;
  }

  /** `length` fresh random bytes, in a buffer of their own. */
  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    this.fill(out, 0, length);
    return out;
  }

  /**
   * `length` fresh random bytes as lower-case hex, read straight from the pool: no Buffer of their
   * own (`randomBytes(8).toString('hex')` made a move id at about 20 µs in the loaded worker).
   */
  hex(length: number): string {
    if (length > this.#pool.length) return this.bytes(length).toString('hex');
    if (this.#offset + length > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    const text = this.#pool.toString('hex', this.#offset, this.#offset + length);
    this.#offset += length;
    return text;
  }

  /** One fresh random byte as a number in [0, 1), in steps of 1/256 (ulid's PRNG). */
  fraction(): number {
    if (this.#offset === this.#pool.length) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    return this.#pool[this.#offset++]! / 256;
  }
}
