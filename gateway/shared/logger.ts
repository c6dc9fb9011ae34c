// One root logger; children carry { requestId, caseId, adapter } (gateway/README.md#personal-data).
// Personal data is redacted by path here, once (gateway/README.md#personal-data): payloads are
// never logged whole, secrets never, and the personal fields that can reach a log line through an
// error or a request summary are censored — their paths derived from the x-personal annotations
// of the envelope and the shared definitions (personal-data/log-redaction.ts). The paths are
// compiled once (log-redactor.ts) and applied to each line's object, each child's bindings and
// each serialized error; log calls pass data in that object, never as format arguments (`%j`),
// which are not redacted. Lines go to stdout in batches (log-destination.ts), flushed within
// logFlushMs; a person at a terminal in development gets pino-pretty instead.
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../../config/settings-schema.ts';
import { gatewayPersonalLogPaths } from '../personal-data/log-redaction.ts';
import { muteOnFailure, stdoutDestination } from './log-destination.ts';
import { compileRedaction, redactValue, type RedactState } from './log-redactor.ts';

export type { Logger };

/** Secrets and whole payloads: not personal by annotation, never to be logged either. */
const SECRET_PATHS = [
  'req.headers["x-gw-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  // A rotating client's old secret (auth/client-registry.ts): still a live credential.
  'previousSecret',
  '*.previousSecret',
  'payload',
  '*.payload',
];

export function redactPaths(): string[] {
  return [...SECRET_PATHS, ...gatewayPersonalLogPaths()];
}

const CENSOR = '[masked]';
const ERROR_KEY = 'err';

/**
 * A line's object or a child's bindings, censored; its error is left to the error serializer,
 * which censors what pino makes of it (an Error's enumerable fields and its causes' messages).
 */
function redactTop(top: RedactState, object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    if (key === ERROR_KEY) continue;
    const value = object[key];
    if (value === undefined) continue;
    const state = top.next(key);
    const out = state.censor ? CENSOR : redactValue(value, state, CENSOR);
    if (out !== value) (copy ??= { ...object })[key] = out;
  }
  return copy ?? object;
}

interface Redaction {
  options: Pick<LoggerOptions, 'formatters' | 'serializers'>;
  /** pino applies formatters.bindings to the root's base only: children's bindings pass here. */
  censorChildren: (logger: Logger) => Logger;
}

function redaction(): Redaction {
  const top = compileRedaction(redactPaths());
  const underError = top.next(ERROR_KEY);
  const serializeError = pino.stdSerializers.err;
  return {
    options: {
      formatters: {
        log: (object) => redactTop(top, object),
        bindings: (bindings) => redactTop(top, bindings),
      },
      serializers: {
        [ERROR_KEY]: (error: Error) =>
          underError.censor ? CENSOR : redactValue(serializeError(error), underError, CENSOR),
      },
    },
    censorChildren: (logger) => {
      // A child is Object.create(its parent), so every descendant inherits this child().
      // pino's own, from the prototype, called on each descendant (not bound to the root).
      const child: Logger['child'] = Reflect.get(logger, 'child');
      logger.child = function (this: Logger, bindings, options) {
        return child.call(this, redactTop(top, bindings), options);
      } as Logger['child'];
      return logger;
    },
  };
}

export interface LoggerSettings {
  level: string;
  env: string;
  /** Longest a line waits before it is written to stdout (logFlushMs); 0 or absent: at once. */
  flushMs?: number;
}

/** A process's logger settings, read from its configuration (LOG_LEVEL, GW_ENV, LOG_FLUSH_MS). */
export function loggerSettings(
  config: Pick<Config, 'logLevel' | 'env' | 'logFlushMs'>,
): LoggerSettings {
  return { level: config.logLevel, env: config.env, flushMs: config.logFlushMs };
}

export function createLogger(
  settings: LoggerSettings,
  destination?: pino.DestinationStream,
): Logger {
  const { options: redacting, censorChildren } = redaction();
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'swgw' },
    ...redacting,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return censorChildren(pino(options, destination));
  // Pretty output only for a person at a terminal; machines get one JSON object per line.
  if (settings.env === 'development' && process.stdout.isTTY) {
    try {
      const pretty = pino.transport({ target: 'pino-pretty', options: { colorize: true } });
      muteOnFailure(pretty);
      return censorChildren(pino(options, pretty));
    } catch {
      // pino-pretty is a dev dependency; an image without it still logs, as JSON.
    }
  }
  return censorChildren(pino(options, stdoutDestination(settings.flushMs ?? 0)));
}
