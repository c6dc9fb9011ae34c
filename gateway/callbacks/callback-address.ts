// Where a callback connects (gateway/README.md#callbacks). callback-url.ts judges the URL as
// written, at submission; a public name may still resolve to a private address, from the start or
// only later (DNS rebinding: public when looked at, private when called). So at delivery, in
// production, each connection resolves its host once, is refused when any answer is not public
// unicast, and connects to the answers it judged: the judging lookup is the one the socket itself
// uses (an http.Agent passes its options, `lookup` among them, on to net/tls.connect, and they
// win over the request's), so nothing resolves again between the judgement and the connect.
// Development and test connect anywhere (the sandboxes listen on loopback), through the same lookup.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './callback-url.ts';

/** A callback host that resolved to an address the gateway must not call: a permanent failure. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly host: string;
  /** The answers that are not public unicast. */
  readonly addresses: readonly string[];

  constructor(host: string, addresses: readonly string[]) {
    super(`${host} resolves to ${addresses.join(', ')}, not a public unicast address`);
    this.host = host;
    this.addresses = addresses;
  }
}

/**
 * `lookup` with every answer judged: all of the host's addresses are resolved (whatever the
 * caller asked for) and, if one is not allowed, the connection fails with RefusedAddressError
 * before it is made; otherwise the caller gets the answers it asked for (all, or the first).
 * A resolver's own failure (ENOTFOUND, EAI_AGAIN) passes through as it is.
 */
export function judgedLookup(
  lookup: LookupFunction,
  allowed: (address: string) => boolean,
): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, answers) => {
      if (err) return callback(err, '');
      const all: LookupAddress[] =
        typeof answers === 'string' ? [{ address: answers, family: isIP(answers) }] : answers;
      if (all.length === 0) {
        const none: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        none.code = 'ENOTFOUND';
        return callback(none, '');
      }
      const refused = all.map((a) => a.address).filter((address) => !allowed(address));
      if (refused.length > 0) return callback(new RefusedAddressError(hostname, refused), '');
      if (options.all) return callback(null, all);
      callback(null, all[0]!.address, all[0]!.family);
    });
  };
}

/** The agents every callback is posted through, one per scheme. */
export interface CallbackAgents {
  http: HttpAgent;
  https: HttpsAgent;
  /** Closes the pooled connections (the worker's close). */
  destroy(): void;
}

/**
 * The agents every callback is posted through: in production only to public unicast addresses.
 * `lookup` is the resolver (tests give a fake DNS); default the system's, dns.lookup.
 *
 * Connections are kept open between callbacks (idle 4 s, under a Node server's 5 s, as undici's
 * Agent kept them). That is safe for the judgement because a pooled socket is reused only for the
 * key it was opened under, which node's Agent builds from the host *as written in the URL* and
 * the port (and for https the TLS options with the servername), never from the address: a socket
 * opened to a name's judged answer serves that name and port again, still connected to the
 * address that was judged; another name, even one resolving to the same address, gets its own
 * socket and its own judged lookup. A reused socket resolves nothing, so a name rebinding to a
 * private address meanwhile is judged at its next new connection, never connected to in between.
 */
export function callbackAgents(options: {
  production: boolean;
  lookup?: LookupFunction;
}): CallbackAgents {
  const lookup = judgedLookup(
    options.lookup ?? dnsLookup,
    options.production ? isPublicAddress : () => true,
  );
  const settings = { keepAlive: true, timeout: 4_000, lookup };
  const http = new HttpAgent(settings);
  const https = new HttpsAgent(settings);
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

/** The RefusedAddressError behind a failed post (it, or its `cause`), if that is why it failed. */
export function refusedAddress(error: unknown): RefusedAddressError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e instanceof RefusedAddressError) return e;
  return undefined;
}
