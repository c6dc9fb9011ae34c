// Repeated warnings during an outage (Redis down, a province unreachable) would otherwise write a
// line per request or per retry, a thousand lines a second. Each kind of line is written at most
// once per interval; the next line written of that kind carries `suppressed`, the number of lines
// of that kind left out since the last one (gateway/README.md#operations).
import type { Logger } from './logger.ts';

export type LogLevel = 'info' | 'warn' | 'error';

export interface RateLimitedLog {
  /** `kind` names the repeated line, e.g. 'redis-unavailable' or 'worker-error:sc'. */
  log(level: LogLevel, kind: string, fields: Record<string, unknown>, message: string): void;
  warn(kind: string, fields: Record<string, unknown>, message: string): void;
  error(kind: string, fields: Record<string, unknown>, message: string): void;
}

export interface RateLimitSettings {
  intervalMs?: number;
  now?: () => number;
}

export function rateLimitedLog(logger: Logger, settings: RateLimitSettings = {}): RateLimitedLog {
  const intervalMs = settings.intervalMs ?? 1000;
  const now = settings.now ?? Date.now;
  // Kinds are a small fixed set chosen by the callers, so this map stays small.
  const last = new Map<string, { at: number; suppressed: number }>();
  const log: RateLimitedLog['log'] = (level, kind, fields, message) => {
    const t = now();
    const state = last.get(kind);
    if (state && t - state.at < intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    last.set(kind, { at: t, suppressed: 0 });
    logger[level](suppressed > 0 ? { ...fields, kind, suppressed } : { ...fields, kind }, message);
  };
  return {
    log,
    warn: (kind, fields, message) => log('warn', kind, fields, message),
    error: (kind, fields, message) => log('error', kind, fields, message),
  };
}
