// adapters/yn/README.md#a-receiving-endpoint-in-node: the block between the yn-receiver markers is
// run as it stands, in a Node process of its own, and the gateway's own yn adapter (with the
// development settings of config/adapters.json) delivers to it and queries it — so the receiver a
// 云南 developer copies, and the wire it documents, can never drift from what the adapter does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { sampleDelivery, testContext, waitFor } from '../../support/province-test-kit.ts';
import { markedJsBlock } from '../../support/readme-block.ts';

let dir: string;
let receiver: ChildProcessWithoutNullStreams;
let stdout = '';
let stderr = '';
let adapter: ProvinceAdapter;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yn-readme-receiver-'));
  const file = join(dir, 'yn-receiver.mjs');
  await writeFile(
    file,
    markedJsBlock(
      await readFile(projectPath('adapters/yn/README.md'), 'utf8'),
      'yn-receiver',
      'adapters/yn/README.md',
    ),
  );
  receiver = spawn(process.execPath, [file], { env: { ...process.env, PORT: '0' }, cwd: dir });
  receiver.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  receiver.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await waitFor(() => /yn receiver on (http:\S+)/.test(stdout), 10_000);
  url = /yn receiver on (http:\S+)/.exec(stdout)![1]!;
  const settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), { yn: url });
  adapter = createAdapter('yn', settings.yn);
});
afterAll(async () => {
  if (receiver.exitCode === null) {
    receiver.kill();
    await once(receiver, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
});

describe("adapters/yn/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again with its first SLBH, and answers status queries', async () => {
    const { context } = testContext();
    const request = sampleDelivery({ itemCode: 'SW-005' });
    const first = await adapter.deliver(request, context);
    expect(first).toEqual({
      provinceCaseNo: expect.stringMatching(/^YN\d{14}$/),
      state: 'received',
      duplicate: false,
    });
    expect(stdout).toContain(`received SW-005 ${request.caseId} as ${first.provinceCaseNo}`);

    const again = await adapter.deliver(request, context);
    expect(again).toEqual({ ...first, duplicate: true });

    expect(await adapter.queryStatus({ caseId: request.caseId }, context)).toEqual({
      found: true,
      provinceCaseNo: first.provinceCaseNo,
      events: [],
    });
    expect(await adapter.queryStatus({ caseId: '01JNOTDELIVEREDHERE0000000' }, context)).toEqual({
      found: false,
    });
    expect(stderr).toBe('');
  });

  it('refuses a wrong registration code, which the adapter takes as permanent (-101)', async () => {
    const settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), {
      yn: url,
    });
    const wrong = createAdapter('yn', { ...settings.yn, regCode: 'not-the-registration-code' });
    const failure: unknown = await wrong
      .deliver(sampleDelivery(), testContext().context)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentDeliveryError);
    expect((failure as Error).message).toContain('RETCODE -101');
  });
});
