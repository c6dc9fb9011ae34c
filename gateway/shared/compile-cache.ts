// Node's module compile cache for the process entry points (README.md#process-start): a start
// loads about 1 100 modules (6.5 MB of source), and without the cache Node strips the types of
// every .ts file and V8 compiles every module again in each process. With it, the second start of
// the same files reads the stripped and compiled code from disk: 15–20 % less CPU to /readyz
// (tests/bench/gateway-start.ts). The directory is Node's own setting: NODE_COMPILE_CACHE, or
// `node-compile-cache` under the temporary directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// A directory that cannot be written costs nothing but the saving: enableCompileCache reports the
// failure in its status and never throws. Only modules loaded after the call are cached, so each
// entry point calls this first and imports everything else dynamically after it: a static import
// is loaded (and its types stripped) before the entry's first line runs.
import { enableCompileCache } from 'node:module';

/** Turns the cache on for every module this process loads from now on; what Node answered. */
export function enableModuleCompileCache(): ReturnType<typeof enableCompileCache> {
  return enableCompileCache();
}
