// Child process: the real gateway, started by gateway/main.ts startGateway exactly as
// `npm run start:gateway` does, with settings from the environment the bench passes (private Redis,
// a bench key prefix, PORT=0, a rate limit the load cannot reach). It logs at info as JSON to
// stdout (which the bench discards) through the production destination, batched as LOG_FLUSH_MS
// says (gateway/shared/log-destination.ts); the one tap in front of it picks the catalogue compile
// time out of the first 'catalogue loaded' line.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../config/load-config.ts';
import { startGateway } from '../../gateway/gateway-process.ts';
import { stdoutDestination } from '../../gateway/shared/log-destination.ts';
import { createLogger } from '../../gateway/shared/logger.ts';
import { runChild, serveParent, type Facts } from './ipc.ts';

await runChild(async () => {
  const config = loadConfig();
  const stdout = stdoutDestination(config.logFlushMs);
  let compiled: Facts | undefined;
  const logger = createLogger(
    { level: config.logLevel, env: config.env },
    {
      write: (line: string) => {
        // The first 'catalogue loaded' line is the start: every item version compiled from Redis.
        if (!compiled && line.includes('"catalogue loaded"')) compiled = JSON.parse(line) as Facts;
        stdout.write(line);
      },
    },
  );
  const started = performance.now();
  const gateway = await startGateway(config, logger);
  const { compileMs, compiled: versions } = compiled ?? {};
  // Diagnostics for the latency runs: event-loop delay and GC pauses since the last 'loop' question.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc = {
        count: gc.count + 1,
        totalMs: gc.totalMs + entry.duration,
        maxMs: Math.max(gc.maxMs, entry.duration),
      };
    }
  }).observe({ entryTypes: ['gc'] });
  const loop = () => {
    const facts = {
      delayP50Ms: delay.percentile(50) / 1e6,
      delayP99Ms: delay.percentile(99) / 1e6,
      delayMaxMs: delay.max / 1e6,
      gc,
    };
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
    return facts;
  };

  serveParent(
    {
      port: gateway.port,
      compileMs,
      startMs: performance.now() - started,
      catalogue: { versions },
    },
    { answers: { loop }, stop: async () => void (await gateway.stop()) },
  );
});
