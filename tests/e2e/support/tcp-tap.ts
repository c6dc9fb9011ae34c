// A TCP pass-through in front of a sandbox that keeps what clients sent, so a test can tell that a
// request has reached the province (the sandboxes apply their latency before anyone sees it).
// When the client side dies, the upstream side is ended, not destroyed: what was forwarded arrives.
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpTap {
  url: string;
  /** Everything clients have sent through the tap so far. */
  sent: () => string;
  close: () => Promise<void>;
}

export async function startTcpTap(target: string): Promise<TcpTap> {
  const { hostname, port } = new URL(target);
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.end());
    client.on('error', () => undefined);
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    sent: () => Buffer.concat(chunks).toString('utf8'),
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
