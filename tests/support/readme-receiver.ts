// A platform's receiving endpoint as its developer README shows it (adapters/<id>/README.md, "A
// receiving endpoint in Node"): the ```js block between `<!-- <id>-receiver:start -->` and
// `<!-- <id>-receiver:end -->`, run as it stands in a Node process of its own on a free port, where
// it prints `<id> receiver on <url>`. Each adapter's readme-receiver test points the real adapter at
// it, so the endpoint a province developer copies, and the wire its README documents, cannot drift
// from what the adapter does. One home for starting and stopping them, for the seven tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type {
  AdapterContext,
  DeliveryRequest,
  ProvinceAdapter,
} from '../../adapters/kit/contract.ts';
import type { AdapterId } from '../../adapters/kit/registry.ts';
import { projectPath } from '../../gateway/shared/project-root.ts';
import { markedCodeBlock } from './readme-block.ts';
import { testContext } from './province-test-kit.ts';
import { waitFor } from './redis.ts';

const EXITED = Symbol('exited');

export interface ReadmeReceiver {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  url: string;
  stdout: () => string;
  stderr: () => string;
}

export interface ReadmeReceivers {
  /** The README's text. */
  readme: string;
  /** One more receiver process, with these variables over the test's environment. */
  start: (env?: Record<string, string>) => Promise<ReadmeReceiver>;
  /** Stops every receiver started, and removes the folder its file was written to. */
  stop: () => Promise<void>;
}

export interface ReadmeReceiverOptions {
  /**
   * Writes the file inside the project (under .data/, git-ignored) rather than the system's temp
   * folder: a block that imports an npm package (贵州's sm-crypto-v2) finds it there, as it would
   * in the developer's own project.
   */
  insideProject?: boolean;
}

export async function readmeReceivers(
  adapter: AdapterId,
  { insideProject = false }: ReadmeReceiverOptions = {},
): Promise<ReadmeReceivers> {
  const document = `adapters/${adapter}/README.md`;
  const readme = await readFile(projectPath(document), 'utf8');
  const code = markedCodeBlock(readme, `${adapter}-receiver`, document);
  const parent = insideProject ? projectPath('.data') : tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, `${adapter}-readme-receiver-`));
  const file = join(dir, `${adapter}-receiver.mjs`);
  await writeFile(file, code);
  const children: ChildProcessWithoutNullStreams[] = [];
  const line = new RegExp(`^${adapter} receiver on (http:\\S+)`, 'm');
  return {
    readme,
    start: async (env = {}) => {
      const child = spawn(process.execPath, [file], {
        env: { ...process.env, PORT: '0', ...env },
        cwd: dir,
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      // A block that does not run (a syntax error, a missing import) is reported at once.
      const url = await waitFor(
        () => line.exec(stdout)?.[1] ?? (child.exitCode === null ? undefined : EXITED),
        { timeoutMs: 10_000, what: `the ${adapter} receiver's start line` },
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\n${stderr}`);
      });
      if (url === EXITED || url === undefined)
        throw new Error(`${document}'s receiver exited:\n${stderr}`);
      return { url, stdout: () => stdout, stderr: () => stderr };
    },
    stop: async () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill();
          await once(child, 'exit');
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The exchange every receiver must get right with the real adapter: a delivery taken under a number
 * of the platform's form (logged once by the receiver), the same case again answered as a
 * duplicate with that number, a status query of it (found, no events yet) and of a case it never
 * had (not found) — and nothing on its stderr.
 */
export async function expectTheExchange(
  adapter: ProvinceAdapter,
  receiver: ReadmeReceiver,
  request: DeliveryRequest,
  numberForm: RegExp,
  {
    state = 'received',
    logged = '',
    context = testContext().context,
  }: {
    /** What the delivery's answer says of the case: taken (`received`), or queued (`pending`). */
    state?: 'received' | 'pending';
    /** What the receiver's line says after the number (what it counted of the case). */
    logged?: string;
    /** The adapter's context, when the test reads its log lines afterwards. */
    context?: AdapterContext;
  } = {},
): Promise<void> {
  const first = await adapter.deliver(request, context);
  expect(first).toEqual({
    provinceCaseNo: expect.stringMatching(numberForm),
    state,
    duplicate: false,
  });
  const taken = `received ${request.itemCode} ${request.caseId} as ${first.provinceCaseNo}`;
  // The receiver's line and its answer reach this process by two channels (its stdout, the HTTP
  // socket), in either order: the line is waited for, bounded.
  await waitFor(() => receiver.stdout().includes(`${taken}${logged}`), {
    timeoutMs: 5000,
    what: `the receiver's line "${taken}${logged}"`,
  });
  expect(receiver.stdout().split(taken)).toHaveLength(2);

  expect(await adapter.deliver(request, context)).toEqual({ ...first, duplicate: true });
  expect(receiver.stdout().split(taken)).toHaveLength(2);

  expect(await adapter.queryStatus({ caseId: request.caseId }, context)).toEqual({
    found: true,
    provinceCaseNo: first.provinceCaseNo,
    events: [],
  });
  expect(await adapter.queryStatus({ caseId: '01JNOTDELIVEREDHERE0000000' }, context)).toEqual({
    found: false,
  });
  expect(receiver.stderr()).toBe('');
}
