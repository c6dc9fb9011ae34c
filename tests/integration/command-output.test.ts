// A command's printed lines all reach whoever reads its pipe before it exits (exit-after-output.ts):
// process.exit() dropped what process.stdout still held, and a CLI listing 253 drafts printed 197
// lines to its test. Each child here prints 2 MiB — more than any pipe or socket buffer holds, so
// a reader is always behind when the command ends — then ends through runCommand as the CLI does,
// or through a config error as a gateway process does.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/shared/project-root.ts';

const LINE = 'x'.repeat(1023);
const LINES = 2048;

/** Runs an ES module's text in a child of this Node; answers its exit code and what it printed. */
function runModule(text: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', text], {
    cwd: projectPath(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const lineCount = (text: string) => text.split('\n').filter((l) => l === LINE).length;

describe('a command ends once its lines are out', { timeout: 60_000 }, () => {
  it('hands every line printed to stdout and stderr by a CLI command (runCommand) to the reader of its pipes, with its exit code', async () => {
    const run = await runModule(`
      import { runCommand } from ${JSON.stringify(projectPath('scripts/command-failure.ts'))};
      await runCommand(async () => {
        for (let i = 0; i < ${LINES}; i++) console.log(${JSON.stringify(LINE)});
        for (let i = 0; i < ${LINES / 2}; i++) console.error(${JSON.stringify(LINE)});
        return 3;
      });
    `);
    expect(run.code).toBe(3);
    expect(lineCount(run.stdout)).toBe(LINES);
    expect(lineCount(run.stderr)).toBe(LINES / 2);
  });

  it("hands a failed command's last line to the reader after everything it printed before", async () => {
    const run = await runModule(`
      import { runCommand, CommandFailure } from ${JSON.stringify(projectPath('scripts/command-failure.ts'))};
      await runCommand(async () => {
        for (let i = 0; i < ${LINES}; i++) console.error(${JSON.stringify(LINE)});
        throw new CommandFailure('the last line');
      });
    `);
    expect(run.code).toBe(1);
    expect(lineCount(run.stderr)).toBe(LINES);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('the last line');
  });
});
