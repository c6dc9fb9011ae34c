// The worker process (adapters/worker.ts, as compose runs it) refuses to start on an adapters file
// whose tls* settings it cannot use (adapters/README.md#tls), or on a NODE_EXTRA_CA_CERTS that names
// no file of CA certificates (gateway/README.md#callbacks-over-tls; Node itself only warns, or
// says nothing): it prints every problem, each naming the adapter and the setting, and exits 1 —
// read first, before it waits for Redis (here a port where none listens).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { freePort } from '../../scripts/private-redis.ts';
import { startNodeChild } from '../support/node-child.ts';
import { testDataKeys } from '../support/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'gw-adapters-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker start with unusable TLS files', () => {
  it('prints every TLS problem naming adapter and setting, and exits 1 without waiting for Redis', async () => {
    const file = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const missing = join(dir, 'province-ca.pem');
    const certOnly = join(dir, 'client.pem');
    writeFileSync(certOnly, 'not a certificate\n');
    file.sc = { ...file.sc, baseUrl: 'https://tfwb.sc.gov.example', tlsCaFile: missing };
    file.cq = { ...file.cq, baseUrl: 'https://ykb.cq.gov.example', tlsCertFile: certOnly };
    const adaptersFile = join(dir, 'adapters.json');
    writeFileSync(adaptersFile, JSON.stringify(file));
    const worker = startNodeChild(projectPath('adapters/worker.ts'), {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      GW_DATA_KEYS: testDataKeys(),
      GW_ADAPTERS_FILE: adaptersFile,
      // Were the file read after the wait for Redis, this start would end with that wait's error.
      GW_REDIS_STARTUP_TIMEOUT_MS: '1000',
      LOG_FLUSH_MS: '0',
    });
    const { code } = await worker.exited;
    const output = worker.output();
    expect(code).toBe(1);
    expect(output).toContain('worker failed to start');
    expect(output).toContain(`adapters.sc.tlsCaFile: cannot read ${missing} (ENOENT)`);
    expect(output).toContain('adapters.cq.tlsKeyFile: required with tlsCertFile');
    expect(output).toContain(`adapters.cq.tlsCertFile: ${certOnly} holds no PEM certificate`);
    expect(output).not.toContain('Redis not reachable');
  });
});

describe('worker start with an unusable NODE_EXTRA_CA_CERTS', () => {
  /** Starts the worker with the default adapters file and this CA file; its exit and output. */
  async function startWith(extraCaCerts: string) {
    const worker = startNodeChild(projectPath('adapters/worker.ts'), {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      GW_DATA_KEYS: testDataKeys(),
      NODE_EXTRA_CA_CERTS: extraCaCerts,
      GW_REDIS_STARTUP_TIMEOUT_MS: '1000',
      LOG_FLUSH_MS: '0',
    });
    const { code } = await worker.exited;
    return { code, output: worker.output() };
  }

  it('a file it cannot read: prints the problem naming NODE_EXTRA_CA_CERTS and exits 1 without waiting for Redis', async () => {
    const missing = join(dir, 'portal-ca.pem');
    const { code, output } = await startWith(missing);
    expect(code).toBe(1);
    expect(output).toContain('worker failed to start');
    expect(output).toContain(`NODE_EXTRA_CA_CERTS: cannot read ${missing} (ENOENT)`);
    expect(output).not.toContain('Redis not reachable');
  });

  it('a file that holds no certificate: prints the problem naming NODE_EXTRA_CA_CERTS and exits 1', async () => {
    const notCa = join(dir, 'not-a-ca.pem');
    writeFileSync(notCa, 'not a certificate\n');
    const { code, output } = await startWith(notCa);
    expect(code).toBe(1);
    expect(output).toContain(`NODE_EXTRA_CA_CERTS: ${notCa} holds no PEM certificate`);
    expect(output).not.toContain('Redis not reachable');
  });
});
