// The server's structured log: pino JSON lines on stdout (or a given stream). Secrets never reach
// it: request lines carry ids and names, never headers, bodies or variables (request-log.ts), and
// the redaction list below is a second fence for fields a caller might pass by mistake.
import { pino, type Logger, type DestinationStream, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/** Levels an operator may choose (`--log-level`, config `log.level`). */
export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Field paths whose values are replaced by "[redacted]" whatever logs them. */
const REDACTED_PATHS = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  'headers',
  'variables',
];

/** A logger at `level` (default info) writing JSON lines to `destination` (default stdout). */
export function createServerLog(options: { readonly level?: LevelWithSilent; readonly destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'outpost-server' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that writes nothing (the default of `startServer` when no logger is given: tests and embedders). */
export function silentLog(): Logger {
  return pino({ level: 'silent' });
}
