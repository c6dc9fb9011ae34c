// adapters/sc-chengdu/README.md#a-receiving-endpoint-in-node: the block between the
// sc-chengdu-receiver markers is run as it stands, in a Node process of its own, and the gateway's
// own sc-chengdu adapter (with the development settings of config/adapters.json) delivers to it and
// queries it — so the receiver a 成都 developer copies, and the wire it documents, can never drift
// from what the adapter does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdapterSettings, withBaseUrls } from '../../../adapters/kit/adapter-config.ts';
import type { AdapterSettings } from '../../../adapters/kit/adapter-descriptor.ts';
import { PermanentDeliveryError, type ProvinceAdapter } from '../../../adapters/kit/contract.ts';
import { createAdapter } from '../../../adapters/kit/registry.ts';
import { projectPath } from '../../../gateway/shared/project-root.ts';
import { sampleDelivery, testContext, waitFor } from '../../support/province-test-kit.ts';
import { markedJsBlock } from '../../support/readme-block.ts';

let dir: string;
let receiver: ChildProcessWithoutNullStreams;
let stdout = '';
let stderr = '';
let settings: AdapterSettings;
let adapter: ProvinceAdapter;

/** A 成都 case (the receiver, like the platform, refuses divisions outside 5101). */
const chengduDelivery = () => sampleDelivery({ itemCode: 'MZ-003', targetRegion: '510104' });

/** What the adapter throws for a delivery or query it does not take. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sc-chengdu-readme-receiver-'));
  const file = join(dir, 'sc-chengdu-receiver.mjs');
  await writeFile(
    file,
    markedJsBlock(
      await readFile(projectPath('adapters/sc-chengdu/README.md'), 'utf8'),
      'sc-chengdu-receiver',
      'adapters/sc-chengdu/README.md',
    ),
  );
  receiver = spawn(process.execPath, [file], { env: { ...process.env, PORT: '0' }, cwd: dir });
  receiver.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  receiver.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  await waitFor(() => /sc-chengdu receiver on (http:\S+)/.test(stdout), 10_000);
  const url = /sc-chengdu receiver on (http:\S+)/.exec(stdout)![1]!;
  settings = withBaseUrls(loadAdapterSettings({ env: 'test', processEnv: {} }), {
    'sc-chengdu': url,
  })['sc-chengdu'];
  adapter = createAdapter('sc-chengdu', settings);
});
afterAll(async () => {
  if (receiver.exitCode === null) {
    receiver.kill();
    await once(receiver, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
});

describe("adapters/sc-chengdu/README.md's receiving endpoint", () => {
  it('takes a delivery, answers the same case again as a duplicate with its first applicationNo, and answers status queries for a known and an unknown case', async () => {
    const { context } = testContext();
    const request = chengduDelivery();
    const first = await adapter.deliver(request, context);
    expect(first).toEqual({
      provinceCaseNo: expect.stringMatching(/^CDRYB\d{14}$/),
      state: 'received',
      duplicate: false,
    });
    expect(stdout).toContain(`received MZ-003 ${request.caseId} as ${first.provinceCaseNo}`);

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

  it('refuses a wrong API key with 401 invalid-api-key, which the adapter takes as permanent for deliveries and status queries', async () => {
    const wrong = createAdapter('sc-chengdu', { ...settings, apiKey: 'not-the-api-key' });
    const { context } = testContext();
    const request = chengduDelivery();
    const refused = await failureOf(wrong.deliver(request, context));
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).provinceCode).toBe('invalid-api-key');
    expect((refused as Error).message).toContain('HTTP 401 (invalid-api-key)');
    expect(stdout).not.toContain(request.caseId);

    await adapter.deliver(request, context);
    const query = await failureOf(wrong.queryStatus({ caseId: request.caseId }, context));
    expect(query).toBeInstanceOf(PermanentDeliveryError);
    expect((query as PermanentDeliveryError).provinceCode).toBe('invalid-api-key');
  });

  it('refuses a case handled outside 成都 with 422 outside-jurisdiction, which the adapter takes as permanent, and keeps no application for it', async () => {
    const request = sampleDelivery({ itemCode: 'MZ-003', targetRegion: '510703' });
    const refused = await failureOf(adapter.deliver(request, testContext().context));
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect((refused as PermanentDeliveryError).provinceCode).toBe('outside-jurisdiction');
    expect((refused as Error).message).toContain('HTTP 422 (outside-jurisdiction)');
    expect(await adapter.queryStatus({ caseId: request.caseId }, testContext().context)).toEqual({
      found: false,
    });
  });
});
