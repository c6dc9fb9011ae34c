// The test support's gateway child (tests/support/gateway-process.ts) must hand a test the url of its
// own child: a port another process listens on answers /readyz for that process, and a test talking
// to it would read another test's data (a CLI once listed 171 of its 252 drafts).
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../../support/gateway-process.ts';
import { holdsListeningPort } from '../../support/listening-socket.ts';
import { uniquePrefix } from '../../support/redis.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server in this process answering 200 to every request, /readyz included: the impostor. */
async function impostor(): Promise<number> {
  const server = createServer((_req, res) => res.writeHead(200).end('{"status":"ready"}'));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

describe('holdsListeningPort', () => {
  it('is true for the process whose server listens on the port and false for another process', async () => {
    const port = await impostor();
    expect(await holdsListeningPort(process.pid, port)).toBe(true);
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      expect(await holdsListeningPort(other.pid!, port)).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('is false for a port nothing listens on once its server has closed', async () => {
    const port = await impostor();
    await new Promise((r) => servers.pop()!.close(r));
    expect(await holdsListeningPort(process.pid, port)).toBe(false);
  });
});

describe('startGatewayProcess', () => {
  it('does not hand over a port whose /readyz answers 200 from another process: its child exits on EADDRINUSE', async () => {
    const port = await impostor();
    const started = startGatewayProcess(uniquePrefix('gw-port-impostor'), { PORT: String(port) });
    await expect(started).rejects.toThrow(/exited before it was ready[\s\S]*EADDRINUSE/);
  });
});
