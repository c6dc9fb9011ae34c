// A gateway stand-in that takes every connection and never answers: a plain TCP server that
// reads what it is sent and writes nothing — what a caller meets when the gateway (or a proxy in
// front of it) hangs after accepting. It counts the requests it received and the connections
// still open, so a test can see the caller sent its request and then gave up on it.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SilentGateway {
  /** http:// URL of the stand-in. */
  url: string;
  /** The request lines received so far ("POST /v1/cases HTTP/1.1"), in order. */
  requests: () => string[];
  /** Connections the callers have not closed yet. */
  openConnections: () => number;
  close: () => Promise<void>;
}

export async function startSilentGateway(): Promise<SilentGateway> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      // Each request's first line, however the bytes arrive; the rest is read and dropped.
      let end: number;
      while ((end = head.indexOf('\r\n\r\n')) !== -1) {
        const line = head.slice(0, head.indexOf('\r\n'));
        if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) requests.push(line);
        head = head.slice(end + 4);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => [...requests],
    openConnections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
