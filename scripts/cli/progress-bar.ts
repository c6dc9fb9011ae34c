// The progress bar of the CLI's long walks in bounded steps (data-keys census and reseal, a bulk
// dead-letter replay): on stderr when it is a terminal, nothing otherwise (pipes, tests), so a
// command's stdout stays its result.
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (pipes, tests). */
export function progress(format: string, total: number): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (value) => {
      if (value > bar.getTotal()) bar.setTotal(value);
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
}
