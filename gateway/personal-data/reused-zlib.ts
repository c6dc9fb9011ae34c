// Raw deflate and inflate with a preset dictionary through one zlib stream each, kept for the
// life of the sealer rather than built per value (gateway/README.md#encryption-at-rest). Node's
// one-shot `deflateRawSync` and `inflateRawSync` build a zlib handle, allocate zlib's state (about
// 96 KB for the seal's deflate options), set the dictionary and free it all again on every call;
// Node's public streams cannot be reset and written synchronously (the synchronous path closes the
// stream it used). Here the stream's handle is reset before each value — zlib's `deflateReset` or
// `inflateReset`, then Node sets the stream's dictionary again (it does on every reset) — and
// written synchronously, as the one-shot calls do inside.
//
// Inflating gives the same bytes whatever came before. Deflating gives a raw deflate stream that
// any inflater with the dictionary opens, but not always the very bytes a new stream gives:
// `deflateReset` keeps the window's bytes from earlier values, and where a value ends zlib compares
// candidate matches past its last byte, so one of two equally long matches may be taken for the
// other — 3 of the catalogue's 164 examples, the same length; over 4 920 seals in random orders,
// one byte more in all. A first value's bytes are a new stream's
// (tests/unit/personal-data/reused-zlib.test.ts).
//
// The handle, its `writeSync` and the stream's `_writeState` are Node's own internals (what the
// one-shot calls use). Should a Node release change them, both fall back to the one-shot calls —
// the old cost, the same results — and that test fails, so the upgrade is noticed.
import {
  constants,
  createDeflateRaw,
  createInflateRaw,
  deflateRawSync,
  inflateRawSync,
  type ZlibOptions,
} from 'node:zlib';

export interface Deflater {
  /** Raw deflate of `input`, ended (Z_FINISH): a Buffer of its own. */
  deflate(input: Buffer): Buffer;
  /** Whether one stream is reused (false: one-shot calls, see the file's header). */
  readonly reused: boolean;
}

export interface Inflater {
  /** `input` inflated and decoded as UTF-8; a RangeError past `maxBytes`, zlib's error if corrupt. */
  inflateText(input: Buffer, maxBytes: number): string;
  readonly reused: boolean;
}

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

/** A raw deflate or inflate stream: what both directions share (Node's `ZlibBase`). */
type AnyZlib = ReturnType<typeof createDeflateRaw> | ReturnType<typeof createInflateRaw>;

type ZlibStream = AnyZlib & {
  _handle?: ZlibHandle | null;
  /** [output bytes still free, input bytes not yet read], written by each `writeSync`. */
  _writeState?: Uint32Array;
};

/** Each stream's output buffer: larger than a sealed case needs (SW-005: 419 B deflated, 1 275 B). */
const OUTPUT_BYTES = 16 * 1024;

export function createDeflater(options: ZlibOptions): Deflater {
  if (!usable(() => createDeflateRaw(options)))
    return { deflate: (input) => deflateRawSync(input, options), reused: false };
  const stream = new ReusedStream(() => createDeflateRaw(options));
  return {
    deflate: (input) => {
      const chunks: Buffer[] = [];
      stream.run(input, Number.POSITIVE_INFINITY, (output) => chunks.push(Buffer.from(output)));
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    },
    reused: true,
  };
}

export function createInflater(options: ZlibOptions): Inflater {
  if (!usable(() => createInflateRaw(options)))
    return {
      inflateText: (input, maxBytes) =>
        inflateRawSync(input, { ...options, maxOutputLength: maxBytes }).toString('utf8'),
      reused: false,
    };
  const stream = new ReusedStream(() => createInflateRaw(options));
  return {
    inflateText: (input, maxBytes) => {
      // A value within one output buffer (every envelope of the catalogue) is decoded from it,
      // without a copy; a larger one is joined first, so no character is split between buffers.
      let text: string | undefined;
      let chunks: Buffer[] | undefined;
      stream.run(input, maxBytes, (output, last) => {
        if (last && !chunks) text = output.toString('utf8');
        else (chunks ??= []).push(Buffer.from(output));
      });
      return text ?? Buffer.concat(chunks ?? []).toString('utf8');
    },
    reused: true,
  };
}

function usable(open: () => AnyZlib): boolean {
  const stream = open() as ZlibStream;
  const ok =
    typeof stream._handle?.reset === 'function' &&
    typeof stream._handle.writeSync === 'function' &&
    stream._writeState instanceof Uint32Array &&
    stream._writeState.length === 2;
  stream.close();
  return ok;
}

class ReusedStream {
  readonly #open: () => AnyZlib;
  readonly #output = Buffer.allocUnsafe(OUTPUT_BYTES);
  #stream: ZlibStream | undefined;

  constructor(open: () => AnyZlib) {
    this.#open = open;
  }

  /**
   * Resets the stream and writes all of `input` with Z_FINISH, handing each filled part of the
   * output buffer to `take` (valid only during that call; `last` on the final one).
   */
  run(input: Buffer, maxBytes: number, take: (output: Buffer, last: boolean) => void): void {
    const stream = (this.#stream ??= this.#opened());
    const handle = stream._handle!;
    const state = stream._writeState!;
    handle.reset();
    let inputOffset = 0;
    let total = 0;
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
      // zlib reports an error through the stream, which destroys itself at once: the next value
      // gets a new stream, and this one's error is thrown as the one-shot call would throw it.
      if (stream._handle !== handle) {
        this.#stream = undefined;
        throw stream.errored ?? new Error('zlib failed');
      }
      const outputFree = state[0]!;
      total += OUTPUT_BYTES - outputFree;
      if (total > maxBytes) {
        this.#stream = undefined;
        stream.close();
        throw new RangeError(`Cannot create a Buffer larger than ${maxBytes} bytes`);
      }
      // Output space left over means zlib finished the stream; none left means it has more.
      take(this.#output.subarray(0, OUTPUT_BYTES - outputFree), outputFree > 0);
      if (outputFree > 0) return;
      inputOffset = input.length - state[1]!;
    }
  }

  #opened(): ZlibStream {
    const stream = this.#open() as ZlibStream;
    // An error is seen by run() (the handle is gone); this listener only keeps the stream's
    // 'error' event, emitted later, from being an uncaught exception.
    stream.on('error', () => {});
    return stream;
  }
}
