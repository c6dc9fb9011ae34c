// `npm start`: a working local system in one process group — gateway, adapter workers, the
// seven province sandboxes and the reference taxpayer portal (PORTAL_PORT, default 8081). Uses
// REDIS_URL when set; otherwise starts a private redis-server (AOF on, data under .data/redis, its
// own port) and stops it after the gateway has drained. The sandboxes keep their journals under
// .data/sandboxes (GW_SANDBOX_DIR), and take their fault knobs from faults.json there
// (sandbox-fault-file.ts). Ctrl-C stops everything. Node's module compile cache is
// turned on first (gateway/shared/compile-cache.ts): every other module is imported after that line.
import { enableModuleCompileCache } from '../gateway/shared/compile-cache.ts';
import type { PrivateRedis } from './private-redis.ts';

enableModuleCompileCache();
const { loadConfig } = await import('../config/load-config.ts');
const { startFailure } = await import('./command-failure.ts');
const { startLocalSystem } = await import('./local-system.ts');
const { createLogger, loggerSettings } = await import('../gateway/shared/logger.ts');
const { projectPath } = await import('../gateway/shared/project-root.ts');
const { findRedisServer, INSTALL_HINT, startPrivateRedis } = await import('./private-redis.ts');
const { watchFaultFile } = await import('./sandbox-fault-file.ts');
const { stopSignal } = await import('../gateway/shared/stop-signals.ts');
const path = await import('node:path');
const { exitAfterOutput } = await import('../gateway/shared/exit-after-output.ts');

async function main(): Promise<number> {
  // Listen for Ctrl-C from the first moment: a signal during start-up must still stop the private
  // Redis (it runs in its own process group and would otherwise be left behind).
  const stopRequested = stopSignal();
  let redis: PrivateRedis | undefined;
  const env = { ...process.env };
  if (!env.REDIS_URL) {
    if (!findRedisServer()) {
      console.error(INSTALL_HINT);
      return 1;
    }
    try {
      redis = await startPrivateRedis({
        dir: env.GW_REDIS_DIR ?? projectPath('.data/redis'),
        persistent: true,
      });
    } catch (error) {
      console.error(`start failed: ${(error as Error).message}`);
      return 1;
    }
    env.REDIS_URL = redis.url;
    console.log(
      `started private redis-server on ${redis.url} (AOF in ${env.GW_REDIS_DIR ?? '.data/redis'})`,
    );
  }
  try {
    const config = loadConfig(env);
    const logger = createLogger(loggerSettings(config));
    // The provinces' own memory, beside the Redis data: a restarted system resumes their events.
    const sandboxDataDir = env.GW_SANDBOX_DIR ?? projectPath('.data/sandboxes');
    const system = await startLocalSystem(config, logger, { sandboxDataDir, portalEnv: env });
    console.log(
      `gateway ready on http://localhost:${system.gateway.port} (docs: /docs, readyz: /readyz); workers and 7 province sandboxes running; taxpayer portal on ${system.portal?.url ?? '(off)'} — Ctrl-C stops`,
    );
    // The sandboxes' fault knobs, from a file the operator edits (an outage to rehearse).
    const faultFile = path.join(sandboxDataDir, 'faults.json');
    console.log(
      `province sandboxes: ${Object.entries(system.sandboxUrls)
        .map(([id, url]) => `${id} ${url}`)
        .join(', ')}`,
    );
    console.log(
      `sandbox faults: write ${faultFile}, e.g. {"yn":{"down":true}}, to fail a province; {} brings it back (adapters/README.md#fault-knobs)`,
    );
    for (const [id, url] of Object.entries(system.platformUrls)) {
      console.log(`${id} delivers to ${url}, not to its sandbox (its baseUrl is set)`);
    }
    const stopWatching = watchFaultFile(faultFile, system.sandboxes, (line) => console.log(line));
    const signal = await stopRequested;
    stopWatching();
    logger.info({ signal }, 'stopping');
    await system.stop();
    return 0;
  } catch (error) {
    console.error(startFailure(error, process.env.REDIS_URL));
    return 1;
  } finally {
    await redis?.stop();
  }
}

// Exit explicitly: a failed start may leave sockets or timers that would keep the process alive.
await exitAfterOutput(await main());
