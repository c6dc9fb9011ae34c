// README.md#signing-with-node-built-ins-only: the block between the signing-example markers is run
// as it stands, in a Node process of its own, against a test gateway — so the one example a portal
// copies can never drift from what the gateway verifies. Its test vectors are checked against the
// gateway's own signing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyDigest, sign } from '../../../gateway/client/signing.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { markedCodeBlock } from '../../support/readme-block.ts';
import { runNodeScript } from '../../support/node-script.ts';

let gw: ApiGateway;
let dir: string;
let readme: string;
beforeAll(async () => {
  gw = await startApiGateway();
  dir = await mkdtemp(join(tmpdir(), 'readme-signing-'));
  readme = await readFile(projectPath('README.md'), 'utf8');
});
afterAll(async () => {
  await gw.close();
  await rm(dir, { recursive: true, force: true });
});

const exampleBlock = () => markedCodeBlock(readme, 'signing-example', 'README.md');

const run = (file: string, env: Record<string, string>) => runNodeScript(file, env, dir);

describe("README's signing example", () => {
  it('reads a division, searches the catalogue with a query and submits SW-005, printing what its comments say', async () => {
    const file = join(dir, 'sign-and-send.mjs');
    await writeFile(file, exampleBlock());
    const result = await run(file, { GW_URL: gw.url, GW_SECRET: devSecret('portal-sc') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('200 师宗县\n200 SW-005\n202 ROUTED yn\n');
  });

  it("prints a 401 when the secret is not portal-sc's (the example signs, it does not merely send)", async () => {
    const file = join(dir, 'sign-and-send-wrong-secret.mjs');
    await writeFile(file, exampleBlock());
    const result = await run(file, { GW_URL: gw.url, GW_SECRET: 'not-the-secret' });
    expect(result.stdout.split('\n')[0]).toBe('401 undefined');
  });

  it("gives the test vectors the gateway's own signing gives", () => {
    const vectors = [
      ...readme.matchAll(/signs to\s+`([0-9a-f]{64})` with `HMAC-SHA256` and\s+`([0-9a-f]{64})`/g),
    ];
    expect(vectors).toHaveLength(1);
    const [, sha256, sm3] = vectors[0]!;
    const text = (method: 'HMAC-SHA256' | 'HMAC-SM3') =>
      [
        'GET',
        '/v1/divisions/530323',
        '',
        '1764100000',
        'n0nce-123456789ab',
        bodyDigest(method, ''),
      ].join('\n');
    expect(sign('HMAC-SHA256', devSecret('portal-sc'), text('HMAC-SHA256'))).toBe(sha256);
    expect(sign('HMAC-SM3', devSecret('portal-sc'), text('HMAC-SM3'))).toBe(sm3);
  });
});
