// Raw deflate with a preset dictionary, through one zlib stream kept for the life of its owner
// rather than one built per call (gateway/README.md#encryption-at-rest). Node's one-shot
// `deflateRawSync` builds a zlib handle, allocates zlib's state (about 96 KB for the seal's
// options), primes the dictionary and frees it all again on every call; its public streams cannot
// be reset and written synchronously. Here the stream's handle is reset before each value: zlib's
// `deflateReset`, then the dictionary set again (Node re-applies the stream's dictionary on every
// reset), so each value is its own raw deflate stream that any inflater with the dictionary opens.
//
// Not always the very bytes a new stream gives: `deflateReset` keeps the window's bytes from the
// values before, and where a value ends zlib compares candidate matches past its last byte, so
// one of two equally long matches may be taken instead of the other — 3 of the catalogue's 164
// examples, the same length; over 4 920 seals in random orders, one byte more in all. A first
// value's bytes are a new stream's (tests/unit/personal-data/dictionary-deflater.test.ts).
//
// The handle, its `writeSync` and the stream's `_writeState` are Node's own internals (what
// `deflateRawSync` itself calls). Should a Node release change them, `createDeflater` falls back to
// the one-shot call — the old cost — and that test fails, so the upgrade is noticed.
import { constants, createDeflateRaw, deflateRawSync, type ZlibOptions } from 'node:zlib';

/** The part of Node's zlib handle used here (lib/zlib.js calls it the same way). */
interface ZlibHandle {
  reset(): void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
}

interface ZlibStreamInternals {
  _handle?: ZlibHandle | null;
  /** [output bytes still free, input bytes not yet read], written by each `writeSync`. */
  _writeState?: Uint32Array;
}

export interface Deflater {
  /** Raw deflate of `input`, ended (Z_FINISH): a Buffer of its own. */
  deflate(input: Buffer): Buffer;
  /** Whether this deflater reuses one stream (false: one-shot calls, see the file's header). */
  readonly reused: boolean;
}

/** Output buffer of a reused stream: larger than any sealed case needs (SW-005 deflates to 419 B). */
const OUTPUT_BYTES = 16 * 1024;

export function createDeflater(options: ZlibOptions): Deflater {
  return ReusedDeflater.usable(options)
    ? new ReusedDeflater(options)
    : { deflate: (input) => deflateRawSync(input, options), reused: false };
}

class ReusedDeflater implements Deflater {
  readonly reused = true;
  readonly #options: ZlibOptions;
  readonly #output = Buffer.allocUnsafe(OUTPUT_BYTES);
  #stream: (ReturnType<typeof createDeflateRaw> & ZlibStreamInternals) | undefined;

  static usable(options: ZlibOptions): boolean {
    const stream = createDeflateRaw(options) as ReturnType<typeof createDeflateRaw> &
      ZlibStreamInternals;
    const usable =
      typeof stream._handle?.reset === 'function' &&
      typeof stream._handle.writeSync === 'function' &&
      stream._writeState instanceof Uint32Array &&
      stream._writeState.length === 2;
    stream.close();
    return usable;
  }

  constructor(options: ZlibOptions) {
    this.#options = options;
  }

  deflate(input: Buffer): Buffer {
    const stream = (this.#stream ??= this.#open());
    const handle = stream._handle!;
    const state = stream._writeState!;
    handle.reset();
    const chunks: Buffer[] = [];
    let inputOffset = 0;
    for (;;) {
      handle.writeSync(
        constants.Z_FINISH,
        input,
        inputOffset,
        input.length - inputOffset,
        this.#output,
        0,
        OUTPUT_BYTES,
      );
      // zlib reports an error through the stream, which destroys itself: the next call opens anew.
      if (stream._handle !== handle) {
        this.#stream = undefined;
        throw new Error('zlib refused to deflate a value');
      }
      const outputFree = state[0]!;
      const inputLeft = state[1]!;
      chunks.push(Buffer.from(this.#output.subarray(0, OUTPUT_BYTES - outputFree)));
      // Output space left over means zlib finished the stream; none left means it has more.
      if (outputFree > 0) break;
      inputOffset = input.length - inputLeft;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  #open(): ReturnType<typeof createDeflateRaw> & ZlibStreamInternals {
    const stream = createDeflateRaw(this.#options) as ReturnType<typeof createDeflateRaw> &
      ZlibStreamInternals;
    // An error is seen by deflate() (the handle is gone); this listener only keeps the stream's
    // 'error' event from being an uncaught exception.
    stream.on('error', () => {});
    return stream;
  }
}
