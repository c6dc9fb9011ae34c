// scripts/private-redis.ts starts the test run's and `npm start`'s redis-servers, and the test
// cluster's nodes (spawnRedisServer): a server is ready only once it answers as itself, by its
// process id. Test files start servers side by side, and one may bind the port another found
// free; the loser's redis-server exits, and before, the winner answered its PING, so a file ran
// on another file's server. A port taken for good is now refused rather than mistaken.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../../scripts/private-redis.ts';
import { plainRedis } from '../support/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'swgw-private-redis-'));
const started: PrivateRedis[] = [];
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('a private redis-server', () => {
  it('answers as the process it started, by its process id', async () => {
    const redis = await startPrivateRedis({ dir: join(dir, 'a'), persistent: false });
    started.push(redis);
    const client = plainRedis(redis.url);
    try {
      expect(await client.info('server')).toContain(`process_id:${redis.process.pid}\r`);
    } finally {
      client.disconnect();
    }
  });

  it('refuses a port another redis-server holds rather than taking that server for its own', async () => {
    const holder = await startPrivateRedis({ dir: join(dir, 'b'), persistent: false });
    started.push(holder);
    await expect(
      startPrivateRedis({ dir: join(dir, 'c'), persistent: false, port: holder.port }),
    ).rejects.toThrow(`redis-server on port ${holder.port} exited`);
    const client = plainRedis(holder.url);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });
});

describe('a persistent private redis-server (npm start’s)', () => {
  it('refuses to start over a data folder another one still runs over, naming its process, and starts once that one stopped', async () => {
    const folder = join(dir, 'persistent');
    const first = await startPrivateRedis({ dir: folder, persistent: true });
    try {
      await expect(startPrivateRedis({ dir: folder, persistent: true })).rejects.toThrow(
        `a redis-server (process ${first.process.pid}) still runs over ${folder}, left by an earlier start: stop it (\`kill ${first.process.pid}\`: it saves and exits), then start again`,
      );
      const client = plainRedis(first.url);
      try {
        expect(await client.ping()).toBe('PONG');
      } finally {
        client.disconnect();
      }
    } finally {
      await first.stop();
    }
    const second = await startPrivateRedis({ dir: folder, persistent: true });
    started.push(second);
    expect(second.process.pid).not.toBe(first.process.pid);
  });

  it('starts over a folder whose server was killed (its pid file left naming a process that is gone)', async () => {
    const folder = join(dir, 'killed');
    const killed = await startPrivateRedis({ dir: folder, persistent: true });
    const gone = new Promise((resolve) => killed.process.once('exit', resolve));
    killed.process.kill('SIGKILL');
    await gone;
    expect(readFileSync(join(folder, 'redis-server.pid'), 'utf8').trim()).toBe(
      String(killed.process.pid),
    );
    const again = await startPrivateRedis({ dir: folder, persistent: true });
    started.push(again);
    const client = plainRedis(again.url);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });
});
