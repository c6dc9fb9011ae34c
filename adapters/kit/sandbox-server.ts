// The HTTP half of every sandbox: a node:http server whose dialect handler returns
// { status, headers, body } and never touches the response (bull-board style), with the fault
// knobs (sandbox-faults.ts) applied before the dialect sees a request: latencyMs, errorRate,
// down (the listener closes: clients get ECONNREFUSED) and refuseNext.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { FaultKnobs, type FaultSettings } from './sandbox-faults.ts';

export interface SandboxRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (set content-type in headers). */
  body?: unknown;
}

export interface SandboxDialect {
  /** Answers one request; latency and the fault knobs have been applied already. */
  handle(request: SandboxRequest): Promise<SandboxReply> | SandboxReply;
  /** The dialect's "system busy" answer, used for errorRate. */
  transientReply(request: SandboxRequest): SandboxReply;
  /** The dialect's refusal of bad data, used for refuseNext. */
  permanentReply(request: SandboxRequest): SandboxReply;
  /**
   * Front-door check on arrival, before latency and knobs (xz's rate limit): a reply ends the
   * request there, undefined lets it through.
   */
  admit?(request: SandboxRequest): SandboxReply | undefined;
  /** Which requests latency and the error knobs hit (default all); not cq's token endpoint. */
  faultsApply?(request: SandboxRequest): boolean;
  /** A status query (default none): slowed, failed and downed like a delivery, never refused. */
  isQuery?(request: SandboxRequest): boolean;
}

const BODY_LIMIT = 1024 * 1024;

export class SandboxServer {
  readonly #dialect: SandboxDialect;
  readonly #server: Server;
  readonly #faults: FaultKnobs;
  #address: { host: string; port: number } | undefined;

  /** `faults` are shared with the sandbox's progression (the silent knob). */
  constructor(dialect: SandboxDialect, faults: FaultKnobs = new FaultKnobs()) {
    this.#dialect = dialect;
    this.#faults = faults;
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > BODY_LIMIT) req.destroy();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        const request: SandboxRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        void this.#answer(request).then((reply) => {
          if (res.destroyed) return;
          const isText = typeof reply.body === 'string';
          const payload =
            reply.body === undefined
              ? ''
              : isText
                ? (reply.body as string)
                : JSON.stringify(reply.body);
          const headers: Record<string, string> = { ...reply.headers };
          if (!isText && reply.body !== undefined) {
            headers['content-type'] ??= 'application/json; charset=utf-8';
          }
          res.writeHead(reply.status, headers).end(payload);
        });
      });
    });
  }

  get faults(): Readonly<FaultSettings> {
    return this.#faults.current;
  }

  async #answer(request: SandboxRequest): Promise<SandboxReply> {
    const turnedAway = this.#dialect.admit?.(request);
    if (turnedAway) return turnedAway;
    const faulty = this.#dialect.faultsApply?.(request) ?? true;
    const { latencyMs } = this.#faults.current;
    if (faulty && latencyMs > 0) {
      await new Promise((r) => setTimeout(r, latencyMs).unref());
    }
    // A request whose client gave up during the latency is still processed, as a real platform
    // would (that is what makes the retry a duplicate); one outliving stop() is not.
    if (!this.#address) return { status: 503 };
    try {
      if (faulty) {
        const query = this.#dialect.isQuery?.(request) ?? false;
        if (!query && this.#faults.takeRefusal()) return this.#dialect.permanentReply(request);
        const { errorRate } = this.#faults.current;
        if (errorRate > 0 && Math.random() < errorRate) {
          return this.#dialect.transientReply(request);
        }
      }
      return await this.#dialect.handle(request);
    } catch {
      return { status: 500, body: { error: 'sandbox fault' } };
    }
  }

  async start(port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
    this.#server.listen(port, host);
    await once(this.#server, 'listening');
    const bound = (this.#server.address() as AddressInfo).port;
    this.#address = { host, port: bound };
    return { url: `http://${host}:${bound}`, port: bound };
  }

  async stop(): Promise<void> {
    this.#address = undefined;
    if (!this.#server.listening) return;
    const closed = once(this.#server, 'close');
    this.#server.close();
    this.#server.closeAllConnections();
    await closed;
  }

  /** Changes knobs at runtime; down closes the listener, up listens again on the same port. */
  async setFaults(faults: Partial<FaultSettings>): Promise<void> {
    const wasDown = this.#faults.current.down;
    this.#faults.set(faults);
    const { down } = this.#faults.current;
    if (!this.#address || wasDown === down) return;
    if (down) {
      const closed = once(this.#server, 'close');
      this.#server.close();
      this.#server.closeAllConnections();
      await closed;
    } else {
      this.#server.listen(this.#address.port, this.#address.host);
      await once(this.#server, 'listening');
    }
  }
}

/** Header value as one string (node gives string[] for repeated headers). */
export function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The body parsed as JSON, or undefined when it is not JSON. */
export function jsonBody(request: SandboxRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
