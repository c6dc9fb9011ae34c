// One root logger; children carry { requestId, caseId, adapter } (gateway/README.md#personal-data).
// Personal data is redacted by path here, once (gateway/README.md#personal-data): payloads are
// never logged whole, secrets never, and the personal fields that can reach a log line through an
// error or a request summary are censored — their paths derived from the x-personal annotations
// of the envelope and the shared definitions (personal-data/log-redaction.ts).
import { pino, type Logger, type LoggerOptions } from 'pino';
import { gatewayPersonalLogPaths } from '../personal-data/log-redaction.ts';

export type { Logger };

/** Secrets and whole payloads: not personal by annotation, never to be logged either. */
const SECRET_PATHS = [
  'req.headers["x-gw-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  'payload',
  '*.payload',
];

export function redactPaths(): string[] {
  return [...SECRET_PATHS, ...gatewayPersonalLogPaths()];
}

export interface LoggerSettings {
  level: string;
  env: string;
}

export function createLogger(
  settings: LoggerSettings,
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'swgw' },
    redact: { paths: redactPaths(), censor: '[masked]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  // Pretty output only for a person at a terminal; machines get one JSON object per line.
  if (settings.env === 'development' && process.stdout.isTTY) {
    try {
      return pino({
        ...options,
        transport: { target: 'pino-pretty', options: { colorize: true } },
      });
    } catch {
      // pino-pretty is a dev dependency; an image without it still logs, as JSON.
    }
  }
  return pino(options);
}
