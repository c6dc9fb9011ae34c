// A province's TLS door run by OpenSSL itself (`openssl s_server`), for what Node's TLS server does
// not do: when a client certificate fails its checks, Node's server verifies it after the
// handshake and cuts the connection (the client reads ECONNRESET), where OpenSSL — and so nginx and
// the other front doors of the provincial platforms — sends the alert that says why (45 expired,
// 48 unknown CA…), which the adapters turn into their failure reason (adapters/kit/tls-failure.ts).
// It answers no HTTP: the tests that use it only look at the handshake.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import type { TestPki } from './test-pki.ts';

export interface OpensslDoor {
  /** https://127.0.0.1:<port> */
  url: string;
  close: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TLS 1.2 door that requires a client certificate of the test CA and sends an alert if not. */
export async function startOpensslDoor(pki: TestPki): Promise<OpensslDoor> {
  const port = await freePort();
  const server: ChildProcess = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${String(port)}`,
      '-cert',
      pki.serverCertFile,
      '-key',
      pki.serverKeyFile,
      '-CAfile',
      pki.caFile,
      '-Verify',
      '1',
      '-verify_return_error',
      '-tls1_2',
      '-quiet',
    ],
    { stdio: 'ignore' },
  );
  const exited = once(server, 'exit');
  // Each probe is a connection it accepts and drops; it goes on serving.
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (server.exitCode !== null || Date.now() > deadline) {
      server.kill();
      throw new Error(`openssl s_server did not listen on ${String(port)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: `https://127.0.0.1:${String(port)}`,
    close: async () => {
      server.kill();
      await exited;
    },
  };
}
