// README.md#clients-and-signing-every-v1-call: the TypeScript block between the client-example markers
// is run as it stands, in a Node 24 process of its own, from a folder whose `gateway` is the
// project's — as a portal that copied gateway/client beside its code would run it — against a test
// gateway, so the shipped client's example cannot drift from the client's API.
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { devSecret, startApiGateway, type ApiGateway } from '../../support/api-gateway.ts';
import { markedCodeBlock } from '../../support/readme-block.ts';
import { runNodeScript } from '../../support/node-script.ts';

let gw: ApiGateway;
let dir: string;
let readme: string;
beforeAll(async () => {
  gw = await startApiGateway();
  dir = await mkdtemp(join(tmpdir(), 'readme-client-'));
  await symlink(projectPath('gateway'), join(dir, 'gateway'), 'dir');
  readme = await readFile(projectPath('README.md'), 'utf8');
});
afterAll(async () => {
  await gw.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (file: string, env: Record<string, string>) => runNodeScript(file, env, dir);

describe("README's shipped-client example", () => {
  it('submits SW-005 with HMAC-SM3 through GatewayClient, reads the case back and signs a division read for fetch, printing what its comments say', async () => {
    const file = join(dir, 'shipped-client.mts');
    await writeFile(file, markedCodeBlock(readme, 'client-example', 'README.md', 'ts'));
    const result = await run(file, { GW_URL: gw.url, GW_SECRET: devSecret('portal-sc') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('202 ROUTED 200\n200\n');
  });
});
