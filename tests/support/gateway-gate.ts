// An HTTP pass-through in front of a test gateway that can lose the gateway's answer to one
// request: the request reaches the gateway whole, the gateway acts on it and answers, and the
// gate then resets the caller's connection instead of passing the answer on — what a caller sees
// when a proxy times out or a connection drops after the gateway stored the write. It can also be
// shut, then opened again: while shut, every request's connection is reset before it reaches the
// gateway — a gateway down or cut off, which the portal answers PORTAL_GATEWAY_UNREACHABLE. Every
// other request passes through unchanged (the signature covers method, path, query and body, not
// the connection, so signed calls pass).
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayGate {
  /** http:// URL of the gate. */
  url: string;
  /**
   * From now on, lose the gateway's answer to the first request with this method and path
   * (query included). Resolves, with the status the gateway answered, once the caller's
   * connection was reset.
   */
  loseAnswerToNext: (method: string, path: string) => Promise<number>;
  /** Shut (true): from now on no request reaches the gateway; open (false): all pass again. */
  shut: (shut: boolean) => void;
  close: () => Promise<void>;
}

export async function startGatewayGate(gatewayUrl: string): Promise<GatewayGate> {
  const target = new URL(gatewayUrl);
  let losing: { method: string; path: string; lost: (status: number) => void } | undefined;
  let shut = false;
  const server = createServer((req, res) => {
    if (shut) return void req.socket.resetAndDestroy();
    const lose =
      losing && req.method === losing.method && req.url === losing.path ? losing : undefined;
    if (lose) losing = undefined;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (!lose) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        // The whole answer read first: by then the gateway has done everything it answers for.
        answer.resume();
        answer.on('end', () => {
          req.socket.resetAndDestroy();
          lose.lost(answer.statusCode ?? 0);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    loseAnswerToNext: (method, path) =>
      new Promise<number>((lost) => {
        losing = { method: method.toUpperCase(), path, lost };
      }),
    shut: (value) => {
      shut = value;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
