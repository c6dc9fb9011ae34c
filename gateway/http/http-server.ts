// The HTTP server the gateway listens with (gateway/README.md#protocol-errors): Node's header and
// request timeouts and keep-alive from the settings, and problem+json answers for what the parser
// refuses. main.ts and the test gateways both use it, so tests exercise the production set-up.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RateLimitedLog } from '../shared/rate-limited-log.ts';
import { answerRaw, bareProblem, clientErrorHandler } from './client-error.ts';

/** An express app: called with a `next` for what falls out of it. */
export type App = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

export interface HttpServerSettings {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export function createHttpServer(
  app: App,
  settings: HttpServerSettings,
  log: RateLimitedLog,
): Server {
  // express hands a request its router cannot take at all (an absolute-form target that is no
  // URL) to finalhandler, which answers in HTML; here it is a problem like every other.
  const listener = (req: IncomingMessage, res: ServerResponse) =>
    app(req, res, (error) => {
      if (res.headersSent) return void res.destroy();
      const { status, headers, body } = error
        ? bareProblem('GW_BAD_REQUEST', 'The request target could not be parsed')
        : bareProblem('GW_ROUTE_NOT_FOUND', 'No endpoint for this request target');
      res.writeHead(status, headers).end(body);
    });
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      // Node checks for expired requests on this period (30 s by default, far longer than a
      // 10 s timeout); a quarter of the shortest timeout keeps the answer close to the setting.
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(
          1000,
          Math.floor(Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs) / 4),
        ),
      ),
      // Node would answer a missing Host with a bare 400; the app answers it as a problem.
      requireHostHeader: false,
    },
    listener,
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.on('clientError', clientErrorHandler(log));
  // Without a listener Node closes a CONNECT silently; a gateway is no proxy, so say so.
  server.on('connect', (_req, socket: Duplex) => {
    answerRaw(socket, 'GW_METHOD_NOT_ALLOWED', 'CONNECT is not supported: this is not a proxy');
  });
  // Node would answer an unknown Expect with a bare 417; RFC 9110 lets a server ignore it.
  server.on('checkExpectation', listener);
  return server;
}

/** Listens and resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
