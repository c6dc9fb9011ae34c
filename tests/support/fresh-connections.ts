// Every fetch a test process makes opens a connection of its own (vitest.config.ts, setupFiles):
// a test process holds servers (an in-process gateway, a portal, a fake province) and the clients
// that call them, and a connection kept alive between two requests can be closed under the next
// one. A synchronous stretch longer than a server's keep-alive timeout (Node's 5 s by default,
// GW_KEEP_ALIVE_TIMEOUT_MS) — fast-check building a binary-string arbitrary took 14 s on a loaded
// 2-core machine — lets the client write its next request on the pooled socket before either
// side's idle timer has run; then the server's timer closes that socket with the request unread,
// and the client reads ECONNRESET (dead-letter-paging's property test, 4 runs in 5). No client
// timer can win that race, so the tests' fetch reuses nothing: loopback connections cost little.
import { Agent, setGlobalDispatcher } from 'undici';

// pipelining 0: no keep-alive — each request says `Connection: close` and gets its own socket.
setGlobalDispatcher(new Agent({ pipelining: 0 }));
