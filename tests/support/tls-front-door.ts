// A province's TLS front door for the tests (adapters/README.md#tls): a node:tls server with a
// certificate of the test PKI that hands each connection, decrypted, to a sandbox on plain HTTP —
// as a platform's load balancer terminates TLS before the platform — so the adapter meets the
// real dialect over real TLS. Optionally it asks for a client certificate signed by the test CA
// and refuses a connection without one (mutual TLS); it keeps the subject of each one it accepted.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { TestPki } from './test-pki.ts';

export interface TlsFrontDoor {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Subjects (CN) of the client certificates of the connections it let through, in order. */
  clientSubjects: string[];
  close: () => Promise<void>;
}

export interface TlsFrontDoorOptions {
  pki: TestPki;
  /** The sandbox's port on 127.0.0.1. */
  target: number;
  /** Refuse a connection without a client certificate of the test CA. */
  requireClientCert?: boolean;
  /** Default: the PKI's valid server certificate. */
  certFile?: string;
  /** Speak at most this version, e.g. a platform still on TLS 1.2 (default: Node's, TLS 1.3). */
  maxVersion?: 'TLSv1.2';
}

export async function startTlsFrontDoor(options: TlsFrontDoorOptions): Promise<TlsFrontDoor> {
  const { pki, target, requireClientCert = false } = options;
  const clientSubjects: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: readFileSync(pki.serverKeyFile),
      cert: readFileSync(options.certFile ?? pki.serverCertFile),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(requireClientCert
        ? { ca: readFileSync(pki.caFile), requestCert: true, rejectUnauthorized: true }
        : {}),
    },
    (socket: TLSSocket) => {
      const subject = socket.getPeerCertificate().subject as { CN?: string } | undefined;
      if (subject?.CN) clientSubjects.push(subject.CN);
      const upstream = connect(target, '127.0.0.1');
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          socket.destroy();
          upstream.destroy();
        });
      }
      socket.pipe(upstream).pipe(socket);
    },
  );
  // A handshake it refused (no client certificate, or one the client would not finish): the
  // client hears of it; nothing to do here.
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    clientSubjects,
    close: async () => {
      const closed = once(server, 'close');
      server.close();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
