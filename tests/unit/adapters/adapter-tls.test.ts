// The tls* settings of config/adapters.json (adapters/kit/adapter-tls.ts, adapters/README.md#tls):
// their files read once at start into an opaque secure context, the passphrase dropped; every file
// that is missing, unreadable or not what it should be, and every half-set pair, a configuration
// problem naming the adapter and the setting, all reported together; the passphrase a secret that
// production takes only from its environment variable. Files of a throwaway openssl-made PKI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/load-config.ts';
import { resolveAdapterSettings } from '../../../adapters/kit/adapter-config.ts';
import { ADAPTER_IDS } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { createTestPki, type TestPki } from '../../support/test-pki.ts';

const FILE = JSON.parse(readFileSync(projectPath('config/adapters.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki?.remove());

/** The file with these entries changed (baseUrl https unless given). */
function fileWith(entries: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...FILE };
  for (const [id, entry] of Object.entries(entries)) {
    raw[id] = { ...FILE[id], baseUrl: `https://${id}.gov.example`, ...entry };
  }
  return raw;
}

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** Every *Env variable of the file set, as production needs them. */
function productionEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const id of ADAPTER_IDS) {
    for (const [key, value] of Object.entries(FILE[id] ?? {})) {
      if (key.endsWith('Env')) env[value as string] = `prod-${String(value)}`;
    }
    env[FILE[id]?.baseUrlEnv as string] = `https://${id}.gov.example/api`;
  }
  // 贵州's keys are judged in their hex forms (gz-adapter.ts).
  env.GW_ADAPTER_GZ_SM4_KEY = '0123456789abcdef0123456789abcdef';
  env.GW_ADAPTER_GZ_SM2_PRIVATE_KEY = 'a'.repeat(64);
  env.GW_ADAPTER_GZ_SM2_PUBLIC_KEY = `04${'b'.repeat(128)}`;
  env.GW_ADAPTER_GZ_PLATFORM_PUBLIC_KEY = `04${'c'.repeat(128)}`;
  return env;
}

describe('adapter TLS settings', () => {
  it('reads the files into a secure context on the adapter, keeps the paths, drops the passphrase', () => {
    const table = resolveAdapterSettings(
      fileWith({
        sc: {
          tlsCaFile: pki.caFile,
          tlsCertFile: pki.clientCertFile,
          tlsKeyFile: pki.clientKeyFile,
          tlsKeyPassphrase: pki.clientKeyPassphrase,
          tlsServername: 'tfwb.sc.gov.example',
        },
      }),
      'test',
      {},
    );
    expect(table.sc.tls?.secureContext).toBeDefined();
    expect(table.sc.tls?.servername).toBe('tfwb.sc.gov.example');
    expect(table.sc.tlsCaFile).toBe(pki.caFile);
    expect(table.sc).not.toHaveProperty('tlsKeyPassphrase');
    // Nothing of the key or its passphrase in what a log line of the settings would print.
    const printed = JSON.stringify(table.sc);
    expect(printed).not.toContain(pki.clientKeyPassphrase);
    expect(printed).not.toContain('PRIVATE KEY');
    // An adapter without tls* settings has no TLS of its own (the public roots).
    expect(table.cq.tls).toBeUndefined();
    // `tls` is only what the files made: the file cannot set it.
    expect(
      resolveAdapterSettings(fileWith({ gx: { tls: 'x' } }), 'test', {}).gx.tls,
    ).toBeUndefined();
  });

  it('names the adapter and setting of every unusable file and half-set pair, all at once', () => {
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const broken = join(pki.dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const missing = join(pki.dir, 'missing.pem');
    expect(
      problems(() =>
        resolveAdapterSettings(
          fileWith({
            sc: { tlsCaFile: missing },
            'sc-chengdu': { tlsCaFile: garbage, tlsCertFile: pki.clientCertFile },
            cq: { tlsCaFile: broken, tlsKeyFile: pki.serverKeyFile },
            yn: {
              tlsCertFile: pki.clientCertFile,
              tlsKeyFile: pki.clientKeyFile,
              tlsKeyPassphrase: 'wrong',
            },
            gz: { tlsCertFile: pki.clientCertFile, tlsKeyFile: pki.clientKeyFile },
            gx: { tlsCertFile: pki.clientCertFile, tlsKeyFile: pki.serverKeyFile },
            xz: { baseUrl: 'http://xz.gov.example', tlsCaFile: pki.caFile, tlsKeyPassphrase: 'x' },
          }),
          'test',
          {},
        ),
      ),
    ).toEqual([
      `adapters.sc.tlsCaFile: cannot read ${missing} (ENOENT)`,
      'adapters.sc-chengdu.tlsKeyFile: required with tlsCertFile',
      `adapters.sc-chengdu.tlsCaFile: ${garbage} holds no PEM certificate`,
      'adapters.cq.tlsCertFile: required with tlsKeyFile',
      `adapters.cq.tlsCaFile: certificate 1 of ${broken} does not parse`,
      `adapters.yn.tlsKeyFile: ${pki.clientKeyFile} does not open with tlsKeyPassphrase`,
      `adapters.gz.tlsKeyFile: ${pki.clientKeyFile} is encrypted and no tlsKeyPassphrase is set`,
      `adapters.gx.tlsKeyFile: ${pki.serverKeyFile} is not the key of ${pki.clientCertFile}`,
      'adapters.xz.tlsCaFile: baseUrl is not https, so no TLS setting applies',
      'adapters.xz.tlsKeyPassphrase: set without tlsKeyFile',
    ]);
  });

  it('refuses a directory, a certificate given as the key, and an IP address as tlsServername', () => {
    expect(
      problems(() =>
        resolveAdapterSettings(
          fileWith({
            sc: { tlsCaFile: pki.dir },
            cq: { tlsCertFile: pki.clientCertFile, tlsKeyFile: pki.clientCertFile },
            gx: { tlsServername: '10.1.2.3' },
          }),
          'test',
          {},
        ),
      ),
    ).toEqual([
      `adapters.sc.tlsCaFile: cannot read ${pki.dir} (EISDIR)`,
      `adapters.cq.tlsKeyFile: ${pki.clientCertFile} is not a PEM private key`,
      'adapters.gx.tlsServername: a host name, not an address (TLS sends no address as SNI)',
    ]);
  });

  it('in production takes the key passphrase only from its environment variable', () => {
    const tls = {
      tlsCaFile: pki.caFile,
      tlsCertFile: pki.clientCertFile,
      tlsKeyFile: pki.clientKeyFile,
    };
    const env = { ...productionEnv(), GW_ADAPTER_SC_TLS_KEY_PASSPHRASE: pki.clientKeyPassphrase };
    const fromEnv = resolveAdapterSettings(
      fileWith({ sc: { ...tls, tlsKeyPassphraseEnv: 'GW_ADAPTER_SC_TLS_KEY_PASSPHRASE' } }),
      'production',
      env,
    );
    expect(fromEnv.sc.tls?.secureContext).toBeDefined();
    expect(
      problems(() =>
        resolveAdapterSettings(
          fileWith({ sc: { ...tls, tlsKeyPassphrase: pki.clientKeyPassphrase } }),
          'production',
          env,
        ),
      ),
    ).toEqual([
      'adapters.sc.tlsKeyPassphrase: a secret: in production name its variable with tlsKeyPassphraseEnv',
    ]);
  });
});
