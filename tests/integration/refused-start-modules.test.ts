// A start refused for the operator's clients file or data keys exits before it loads the process's
// own code (gateway/start-judgments.ts, adapters/worker-start-judgments.ts): gateway/main.ts and
// adapters/worker.ts in child processes, with a module hook that writes a line to stderr when the
// process's code (gateway/gateway-process.ts, adapters/worker-process.ts) is loaded. Both loaded
// it (the catalogue, the app and its routes: most of a refused start's CPU) before refusing. A
// start refused later, for a Redis that does not answer, shows that the hook sees the load. A
// malformed NAT map (GW_REDIS_NAT_MAP, the portal's PORTAL_REDIS_NAT_MAP) is refused with the
// settings, before either.
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/private-redis.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { startNodeChild } from '../support/node-child.ts';

/** Node's --import of a hook that names each of the processes' code modules as it loads. */
const HOOK = `--import=data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
import { writeSync } from 'node:fs';
registerHooks({
  load(url, context, next) {
    const code = /\\/(gateway\\/gateway-process|adapters\\/worker-process)\\.ts$/.exec(url);
    if (code) writeSync(2, 'loaded ' + code[1] + '.ts\\n');
    return next(url, context);
  },
});
`)}`;

async function refusedStart(entry: string, env: Record<string, string>) {
  const { output, exited } = startNodeChild(
    projectPath(entry),
    {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      GW_REDIS_STARTUP_TIMEOUT_MS: '100',
      PORT: String(await freePort()),
      GW_HOST: '127.0.0.1',
      ...env,
    },
    { nodeFlags: [HOOK] },
  );
  const { code } = await exited;
  return { code, output: output() };
}

describe('a start refused for its clients or data keys does not load the process code', () => {
  it('gateway/main.ts with a data key that is not 32 bytes: refused naming GW_DATA_KEYS, gateway/gateway-process.ts never loaded', async () => {
    const started = await refusedStart('gateway/main.ts', { GW_DATA_KEYS: 'k1:c2hvcnQ=' });
    expect(started.code).toBe(1);
    expect(started.output).toMatch(/GW_DATA_KEYS key k1: must be 32 bytes/);
    expect(started.output).not.toContain('loaded gateway/gateway-process.ts');
  });

  it('adapters/worker.ts with a data key that is not 32 bytes: refused naming GW_DATA_KEYS, adapters/worker-process.ts never loaded', async () => {
    const started = await refusedStart('adapters/worker.ts', { GW_DATA_KEYS: 'k1:c2hvcnQ=' });
    expect(started.code).toBe(1);
    expect(started.output).toMatch(/GW_DATA_KEYS key k1: must be 32 bytes/);
    expect(started.output).not.toContain('loaded adapters/worker-process.ts');
  });

  it('gateway/main.ts on a Redis that does not answer (judged by the gateway code): refused naming REDIS_URL, gateway/gateway-process.ts loaded first', async () => {
    const started = await refusedStart('gateway/main.ts', {});
    expect(started.code).toBe(1);
    expect(started.output).toMatch(/REDIS_URL: Redis not reachable within 100 ms/);
    expect(started.output).toContain('loaded gateway/gateway-process.ts');
  });

  it('gateway/main.ts and adapters/worker.ts with a malformed GW_REDIS_NAT_MAP entry: refused with the other bad settings, exit 1, naming the variable and the entry, their code never loaded', async () => {
    for (const [entry, code] of [
      ['gateway/main.ts', 'gateway/gateway-process.ts'],
      ['adapters/worker.ts', 'adapters/worker-process.ts'],
    ] as const) {
      const started = await refusedStart(entry, {
        REDIS_URL: `redis-sentinel://127.0.0.1:${await freePort()}/mymaster`,
        GW_REDIS_NAT_MAP: '172.18.0.5:6379=127.0.0.1:7001,172.18.0.6=127.0.0.1:7002',
      });
      expect(started.code).toBe(1);
      expect(started.output).toContain(
        'GW_REDIS_NAT_MAP: entry "172.18.0.6=127.0.0.1:7002" is not announced-host:port=reachable-host:port',
      );
      expect(started.output).not.toContain(`loaded ${code}`);
    }
  });

  it("portal/server/main.ts with a PORTAL_REDIS_NAT_MAP beside one server's URL: refused, exit 1, naming both variables", async () => {
    const started = await refusedStart('portal/server/main.ts', {
      PORTAL_REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      PORTAL_REDIS_NAT_MAP: '172.18.0.5:6379=127.0.0.1:7001',
    });
    expect(started.code).toBe(1);
    expect(started.output).toMatch(
      /PORTAL_REDIS_NAT_MAP: applies to .*; PORTAL_REDIS_URL names one server/,
    );
  });
});
